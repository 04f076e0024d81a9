package org.dermconsent.research;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * DESIGN 12: no path for a purpose other than clinical care links a de-identified image to its
 * identifiable patient. Probes the paths next to those {@code ImageProbeRejection} already refuses:
 * {@code $everything}, includes through the resources that may name both (Provenance, Task,
 * Consent, Group), AuditEvents (which name both the images and their patient) by every path, and
 * what the image itself refers to (its operator, identifiers, notes). Clinical care keeps
 * all of them.
 */
abstract class SecondaryUseLinkProbeSuite extends FhirApi {

	String patient;
	String image;
	String provenance;

	@BeforeEach
	void aDeidentifiedImageAndTheResourcesThatNameItsPatient() {
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + ",\"name\":[{\"family\":\"Probe\"}]}");
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		image = create("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null,
				",\"identifier\":[{\"system\":\"urn:hospital:accession\",\"value\":\"ACC-1\"}],\"operator\":{\"reference\":\"Patient/" + patient + "\"},\"note\":[{\"text\":\"seen with her daughter\"}]"));
		provenance = create("Provenance", "{\"resourceType\":\"Provenance\"," + metaWithTestTag()
				+ ",\"target\":[{\"reference\":\"Media/" + image + "\"},{\"reference\":\"Patient/" + patient + "\"}]"
				+ ",\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"who\":{\"display\":\"dermatology\"}}]}");
	}

	@Test
	void everythingIsRefusedForOtherPurposesThanCare() {
		for (String path : List.of("/Patient/" + patient + "/$everything", "/Patient/$everything")) {
			aiTraining().get(path).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
			research().get(path).then().statusCode(403);
		}
		fhir().get("/Patient/" + patient + "/$everything").then().statusCode(200)
				.body("entry.resource.id", hasItem(image));
	}

	@Test
	void includesThatMayPutAnImageNextToWhatNamesItsPatientAreRefused() {
		for (String search : List.of(
				"/Provenance?_id=" + provenance + "&_include=Provenance:target",
				"/Provenance?_id=" + provenance + "&_include=Provenance:target:Media",
				"/Task?patient=Patient/" + patient + "&_include=Task:focus",
				"/Task?patient=Patient/" + patient + "&_include=Task:based-on",
				"/Consent?patient=Patient/" + patient + "&_include=Consent:data",
				"/Group?member=Patient/" + patient + "&_include=*",
				"/Patient?_id=" + patient + "&_revinclude=Provenance:target&_include:iterate=Provenance:target",
				"/Media?_id=" + image + "&_include=Media:operator&_include:iterate=Patient:link",
				"/Media?_id=" + image + "&_include=Media:operator",
				"/Media?_id=" + image + "&_revinclude=Provenance:target",
				"/Media?_id=" + image + "&_revinclude=Task:focus",
				"/Media?_id=" + image + "&_revinclude=Consent:data",
				"/Media?_id=" + image + "&_revinclude=AuditEvent:entity",
				"/Media?_id=" + image + "&_revinclude=*",
				"/Media?_id=" + image + "&_include=*",
				"/Media?_id=" + image + "&_include:iterate=Media:patient",
				"/Media?_id=" + image + "&subject:Patient=" + patient,
				"/Media?_id=" + image + "&operator=Patient/" + patient)) {
			aiTraining().get(search).then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
			fhir().get(search).then().statusCode(200);
		}
		aiTraining().get("/Provenance?_id=" + provenance).then().statusCode(200); // without includes, as its scopes allow
	}

	@Test
	void anImageForAnotherPurposeCarriesNothingThatLeadsToItsPatient() {
		for (String body : List.of(aiTraining().get("/Media/" + image).then().statusCode(200).extract().asString(),
				aiTraining().get("/Media?_id=" + image).then().statusCode(200).extract().asString(),
				aiTraining().get("/Media/" + image + "/_history").then().statusCode(200).extract().asString())) {
			assertThat(body).contains(image).doesNotContain("Patient/" + patient)
					.doesNotContain("ACC-1").doesNotContain("daughter");
		}
		fhir().get("/Media/" + image).then().body("operator.reference", equalTo("Patient/" + patient))
				.body("subject.reference", equalTo("Patient/" + patient));
	}

	@Test
	void auditEventsAreForClinicalCareOnly() throws InterruptedException {
		aiTraining().get("/Media/" + image).then().statusCode(200); // a disclosure: an AuditEvent names the image and the patient
		String event = null;
		for (int tries = 0; tries < 100 && event == null; tries++) {
			event = fhir().get("/AuditEvent?patient=Patient/" + patient).then().statusCode(200).extract().path("entry[0].resource.id");
			if (event == null) {
				Thread.sleep(100);
			}
		}
		assertThat(event).as("the disclosure's AuditEvent").isNotNull();
		for (String path : List.of("/AuditEvent?patient=Patient/" + patient, "/AuditEvent/" + event,
				"/AuditEvent/" + event + "/_history", "/AuditEvent/" + event + "/_history/1", "/AuditEvent/_history",
				"/AuditEvent?entity=Media/" + image)) {
			aiTraining().get(path).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
			research().get(path).then().statusCode(403);
		}
		// nor by any other path: includes, system history, batch entries
		aiTraining().get("/Patient?_id=" + patient + "&_revinclude=AuditEvent:patient").then().statusCode(200)
				.body("entry.resource.resourceType", not(hasItem("AuditEvent")))
				.body("entry.resource.id", hasItem(patient));
		aiTraining().get("/_history?_since=" + Instant.now().minusSeconds(120) + "&_count=500").then().statusCode(200)
				.body("entry.resource.resourceType", not(hasItem("AuditEvent")));
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"AuditEvent/" + event + "\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"AuditEvent?patient=Patient/" + patient + "\"}}]}";
		String answer = aiTraining().body(batch).post("/").then().statusCode(200)
				.body("entry[0].resource.resourceType", not(equalTo("AuditEvent")))
				.extract().asString();
		assertThat(answer.replaceAll("\\s", "")).doesNotContain("\"resourceType\":\"AuditEvent\"");
		fhir().get("/AuditEvent/" + event).then().statusCode(200).body("id", notNullValue());
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}

	private RequestSpecification research() {
		return fhir().header("X-Purpose-Of-Use", "research");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
