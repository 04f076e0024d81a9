package org.dermconsent.audit;

import io.restassured.path.json.JsonPath;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** Disclosures for secondary uses become AuditEvents a patient can search; nobody can rewrite them. */
@H2ServerTest
class DisclosureAuditTest extends FhirApi {

	private String patient;
	private String derivative;
	private String photo;

	@BeforeEach
	void patientWhoAllowsDeidentifiedTraining() {
		patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		photo = create("Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		derivative = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
	}

	@Test
	void aDisclosureForTrainingIsRecordedAndSearchableByThePatient() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200);
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		fhir().get("/Media/" + photo).then().statusCode(200); // clinical care: not a disclosure to account for

		JsonPath events = awaitEvents(2);
		assertThat(events.getList("entry.resource.collect { it.entity[0].what.reference }", String.class))
				.containsOnly("Media/" + derivative);
		assertThat(events.getList("entry.resource.collect { it.entity[1].what.reference }", String.class)).containsOnly(patient);
		assertThat(events.getList("entry.resource.collect { it.purposeOfEvent[0].coding[0].code }", String.class)).containsOnly("ai-training");
		assertThat(events.getList("entry.resource.outcome", String.class)).containsOnly("0");
		assertThat(events.getList("entry.resource.collect { it.agent[0].type.coding[0].code }", String.class)).containsOnly("110150");
	}

	@Test
	void aPageOfOnePatientsImagesIsOneEventNamingEachImage() throws InterruptedException {
		String secondDerivative = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.size()", equalTo(2));

		JsonPath events = awaitEvents(1);
		assertThat(events.getList("entry[0].resource.entity.what.reference", String.class))
				.containsExactlyInAnyOrder("Media/" + derivative, "Media/" + secondDerivative, patient);
		assertThat(events.getList("entry[0].resource.entity.findAll { it.role.code == '1' }.what.reference", String.class))
				.containsExactly(patient);
	}

	@Test
	void auditEventsCannotBeUpdatedOrDeleted() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		String id = awaitEvents(1).getString("entry[0].resource.id");

		fhir().delete("/AuditEvent/" + id).then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
		fhir().body("{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\"}").put("/AuditEvent/" + id).then().statusCode(405);
		fhir().get("/AuditEvent/" + id).then().statusCode(200).body("purposeOfEvent[0].coding[0].code", equalTo("ai-training"));
	}

	@Test
	void auditEventsCannotBeChangedByTransactionOrBatchEntries() throws InterruptedException {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);
		String id = awaitEvents(1).getString("entry[0].resource.id");
		String altered = fhir().get("/AuditEvent/" + id).then().statusCode(200).extract().asString()
				.replace("\"outcome\":\"0\"", "\"outcome\":\"4\"");

		fhir().body(bundle("transaction", "{\"resource\":" + altered + ",\"request\":{\"method\":\"PUT\",\"url\":\"AuditEvent/" + id + "\"}}"))
				.post("/").then().statusCode(405).body("resourceType", equalTo("OperationOutcome"));
		fhir().body(bundle("batch", "{\"request\":{\"method\":\"DELETE\",\"url\":\"AuditEvent/" + id + "\"}}"))
				.post("/").then().statusCode(200).body("entry[0].response.status", startsWith("405"));
		fhir().contentType("application/json-patch+json")
				.body("[{\"op\":\"replace\",\"path\":\"/outcome\",\"value\":\"4\"}]")
				.patch("/AuditEvent/" + id).then().statusCode(405);

		fhir().get("/AuditEvent/" + id).then().statusCode(200)
				.body("outcome", equalTo("0")).body("meta.versionId", equalTo("1"));
	}

	@Test
	void aResponseThatFailsRecordsNothingAndAuditingGoesOn() throws InterruptedException {
		// creates and shows an image (return=representation), then fails on a stale version: 409, rolled back
		String staleUpdate = "{\"resourceType\":\"Patient\",\"id\":\"" + patient.substring("Patient/".length()) + "\","
				+ metaWithTestTag() + "}";
		fhir().header("X-Purpose-Of-Use", "ai-training").header("Prefer", "return=representation")
				.body(bundle("transaction",
						"{\"fullUrl\":\"urn:uuid:" + UUID.randomUUID() + "\",\"resource\":"
								+ DermJson.media(testTag, patient, "deidentified", null, "")
								+ ",\"request\":{\"method\":\"POST\",\"url\":\"Media\",\"ifNoneExist\":\"identifier=urn:ietf:rfc:3986|urn:uuid:"
								+ UUID.randomUUID() + "\"}}",
						"{\"resource\":" + staleUpdate + ",\"request\":{\"method\":\"PUT\",\"url\":\"" + patient
								+ "\",\"ifMatch\":\"W/\\\"99\\\"\"}}"))
				.post("/").then().statusCode(409);

		fhir().header("X-Purpose-Of-Use", "ai-training").get("/Media/" + derivative).then().statusCode(200);

		JsonPath events = awaitEvents(1);
		assertThat(events.getList("entry[0].resource.entity.what.reference", String.class))
				.containsExactlyInAnyOrder("Media/" + derivative, patient);
	}

	private static String bundle(String type, String... entries) {
		return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
	}

	/** Written off the request path: poll (bounded) until they are there. */
	private JsonPath awaitEvents(int expected) throws InterruptedException {
		JsonPath events = null;
		for (int attempt = 0; attempt < 50; attempt++) {
			events = fhir().get("/AuditEvent?patient=" + patient).then().statusCode(200).extract().jsonPath();
			if (entries(events) >= expected) {
				break;
			}
			Thread.sleep(200);
		}
		assertThat(entries(events)).isEqualTo(expected);
		return events;
	}

	private static int entries(JsonPath bundle) {
		List<Object> entries = bundle.getList("entry");
		return entries == null ? 0 : entries.size();
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
