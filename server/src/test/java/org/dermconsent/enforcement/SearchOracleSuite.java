package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * Search criteria used as oracles: each probe would answer a yes/no question about an image the
 * request may not see (or about the real patient behind a pseudonymized image) by the number of
 * results, or by the outcome of a conditional write. Every probe is asked with a right and a wrong
 * guess; both must be refused alike. Legitimate searches keep working. Runs once per database.
 */
abstract class SearchOracleSuite extends FhirApi {

	private static final String IMAGE_IDS = "urn:dermconsent:test-image";

	private String organization;
	private String patient;
	private String family;
	private String given;
	private String photo;
	private String photoIdentifier;
	private String derivative;
	private String otherDerivative;

	/**
	 * A patient of an organization who allows de-identified AI training only, with an identifiable
	 * photo (denied for AI training) and a de-identified image (permitted, served under a pseudonym);
	 * another patient who also allows education, with a de-identified image.
	 */
	@BeforeEach
	void patientsWithImages() {
		String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		family = "Fam" + unique;
		given = "Giv" + unique;
		organization = create("Organization", "{\"resourceType\":\"Organization\"," + metaWithTestTag()
				+ ",\"name\":\"Clinic " + unique + "\"}");
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + ",\"name\":[{\"family\":\""
				+ family + "\",\"given\":[\"" + given + "\"]}],\"managingOrganization\":{\"reference\":\"Organization/"
				+ organization + "\"}}");
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		photoIdentifier = "photo-" + unique;
		photo = create("Media", DermJson.media(testTag, "Patient/" + patient, "identifiable", null, identifier(photoIdentifier)));
		derivative = create("Media", DermJson.media(testTag, "Patient/" + patient, "deidentified", null, identifier("derivative-" + unique)));

		String other = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, "Patient/" + other, "active", List.of(
				DermJson.permit("ai-training", "deidentified", null, null), DermJson.permit("education", null, null, null))));
		otherDerivative = create("Media", DermJson.media(testTag, "Patient/" + other, "deidentified", null, ""));
	}

	// ------------------------------------------------------------------ _has at any depth

	@Test
	void nestedHasReachingImagesIsRefused() {
		String rightGuess = "/Organization?_has:Patient:organization:_has:Media:subject:identifier=" + IMAGE_IDS + "|" + photoIdentifier;
		String wrongGuess = "/Organization?_has:Patient:organization:_has:Media:subject:identifier=" + IMAGE_IDS + "|nothing";
		for (String probe : List.of(rightGuess, wrongGuess,
				"/Organization?_has:Patient:organization:_has:Media:subject:created=ge2000",
				"/Patient?_has:Consent:patient:_has:Media:subject:_id=" + photo,
				"/Patient?_has:Provenance:patient:target:Media.created=ge2000")) {
			refused(aiTraining().get(probe));
			refused(fhir().get(probe));
		}
	}

	// ------------------------------------------------------------------ grant labels

	@Test
	void criteriaThatCouldMatchTheServersGrantLabelsAreRefused() {
		for (String guess : List.of("education", "publication")) {
			for (String criterion : List.of("_security=" + guess, "_tag=" + guess, "_security:not=" + guess,
					"_security:text=" + guess, "_tag:text=" + guess, "_security:below=" + guess,
					"_security=|" + guess, "_security=" + DermJson.GRANTED_USE + "|" + guess,
					"_security:not=" + DermJson.GRANTED_USE + "|" + guess, "_security:missing=false", "_tag:missing=true")) {
				refused(aiTraining().get("/Media?_id=" + otherDerivative + "&" + criterion));
				refused(fhir().get("/Media?_id=" + otherDerivative + "&" + criterion));
				refused(aiTraining().get("/Patient?_tag=" + tagQuery() + "&" + criterion));
			}
		}
	}

	@Test
	void labelCriteriaOfOtherSystemsStillWork() {
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_security=" + DermJson.IDENTIFIABILITY + "|deidentified")
				.then().statusCode(200).body("entry.resource.id", containsInAnyOrder(derivative, otherDerivative));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_security:not=" + DermJson.IDENTIFIABILITY + "|deidentified")
				.then().statusCode(200).body("entry", nullValue());
		fhir().get("/Media?_tag=" + tagQuery() + "&_security=" + DermJson.IDENTIFIABILITY + "|identifiable")
				.then().statusCode(200).body("entry.resource.id", equalTo(List.of(photo)));
	}

	// ------------------------------------------------------------------ conditional writes

	@Test
	void conditionalWritesOfImagesForOtherPurposesAreRefused() {
		int before = imageCount();
		String image = DermJson.media(testTag, "Patient/" + patient, "identifiable", null, identifier(photoIdentifier));
		for (String criteria : List.of("identifier=" + IMAGE_IDS + "|" + photoIdentifier, "identifier=" + IMAGE_IDS + "|nothing",
				"_id=" + photo, "subject=Patient/" + patient)) {
			forbidden(aiTraining().header("If-None-Exist", criteria).body(image).post("/Media"));
			forbidden(aiTraining().body(image).put("/Media?" + criteria));
			forbidden(aiTraining().delete("/Media?" + criteria));
		}
		String binary = "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(4, 4)) + "\"}";
		forbidden(aiTraining().header("If-None-Exist", "_id=" + photo).body(binary).post("/Binary"));
		forbidden(aiTraining().body(binary).put("/Binary?_id=" + photo));

		String entry = "{\"resource\":" + image + ",\"request\":{\"method\":\"POST\",\"url\":\"Media\",\"ifNoneExist\":\"identifier="
				+ IMAGE_IDS + "|" + photoIdentifier + "\"}}";
		forbidden(aiTraining().body("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entry + "]}").post("/"));
		aiTraining().body("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + entry + "]}").post("/").then()
				.statusCode(200).body("entry[0].response.status", startsWith("403"));
		String update = "{\"resource\":" + image + ",\"request\":{\"method\":\"PUT\",\"url\":\"Media?_id=" + photo + "\"}}";
		forbidden(aiTraining().body("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + update + "]}").post("/"));

		assertThat(imageCount()).isEqualTo(before);
		fhir().get("/Media/" + photo).then().statusCode(200).body("meta.versionId", equalTo("1"));
	}

	@Test
	void conditionalCriteriaOfOtherTypesAreSearchesToo() {
		String nested = "_has:Patient:organization:_has:Media:subject:identifier=" + IMAGE_IDS + "|" + photoIdentifier;
		String org = "{\"resourceType\":\"Organization\"," + metaWithTestTag() + "}";
		refused(aiTraining().header("If-None-Exist", nested).body(org).post("/Organization"));
		refused(aiTraining().header("If-None-Exist", "_security=education").body(org).post("/Organization"));
		String entry = "{\"resource\":" + org + ",\"request\":{\"method\":\"POST\",\"url\":\"Organization\",\"ifNoneExist\":\""
				+ nested + "\"}}";
		refused(aiTraining().body("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + entry + "]}").post("/"));
		fhir().get("/Organization?_tag=" + tagQuery()).then().body("entry.resource.id", equalTo(List.of(organization)));
	}

	@Test
	void conditionalCreateOfAnImageForClinicalCareStillWorks() {
		int before = imageCount();
		String existing = DermJson.media(testTag, "Patient/" + patient, "identifiable", null, identifier(photoIdentifier));
		fhir().header("If-None-Exist", "identifier=" + IMAGE_IDS + "|" + photoIdentifier).body(existing).post("/Media")
				.then().statusCode(200);
		String fresh = DermJson.media(testTag, "Patient/" + patient, "identifiable", null, identifier("fresh-" + testTag));
		fhir().header("If-None-Exist", "identifier=" + IMAGE_IDS + "|fresh-" + testTag).body(fresh).post("/Media")
				.then().statusCode(201);
		assertThat(imageCount()).isEqualTo(before + 1);
	}

	@Test
	void bulkExportTypeFiltersAreSearchesToo() {
		for (String filter : List.of("Media?subject:Patient.family=" + family, "Media?_security=education",
				"Patient?_has:Media:subject:identifier=" + IMAGE_IDS + "|" + photoIdentifier)) {
			refused(aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
					.queryParam("_typeFilter", filter).get("/$export"));
		}
	}

	// ------------------------------------------------------------------ the real subject of pseudonymized images

	@Test
	void searchesForOtherPurposesCannotReachTheRealSubjectOfAnImage() {
		for (String probe : List.of(
				"/Media?subject=Patient/" + patient,
				"/Media?subject=Patient/" + patient + "x",
				"/Media?patient=" + patient,
				"/Media?_id=" + derivative + "&subject:Patient.family=" + family,
				"/Media?_id=" + derivative + "&subject:Patient.family=Wrong",
				"/Media?_id=" + derivative + "&subject:Patient.given=" + given,
				"/Media?_id=" + derivative + "&subject:Patient._id=" + patient,
				"/Media?_id=" + derivative + "&subject.name=" + family,
				"/Media?_id=" + derivative + "&patient.name=" + family,
				"/Media?_id=" + derivative + "&subject:Patient.link=Patient/" + patient,
				"/Media?_id=" + derivative + "&subject:Patient.organization=Organization/" + organization,
				"/Media?_id=" + derivative + "&subject:missing=false",
				"/Media?_id=" + derivative + "&operator=Patient/" + patient,
				"/Media?_id=" + derivative + "&_has:Provenance:target:agent=Patient/" + patient,
				"/Media?_tag=" + tagQuery() + "&_sort=subject",
				"/Media?_tag=" + tagQuery() + "&_sort=-patient",
				"/Media?_id=" + derivative + "&_include=Media:subject",
				"/Media?_id=" + derivative + "&_include=Media:patient",
				"/Media?_id=" + derivative + "&_include=*",
				"/Patient?_id=" + patient + "&_revinclude=Media:subject",
				"/Patient?_id=" + patient + "&_revinclude=Media:patient",
				"/Patient?_id=" + patient + "&_revinclude=*")) {
			refused(aiTraining().get(probe));
		}
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Media?_id="
				+ derivative + "&subject:Patient.family=" + family + "\"}}]}";
		aiTraining().body(batch).post("/").then().statusCode(200).body("entry[0].response.status", startsWith("400"));
	}

	@Test
	void clinicalCareStillSearchesBySubjectChainsHasAndIncludes() {
		fhir().get("/Media?subject=Patient/" + patient).then().statusCode(200)
				.body("entry.resource.id", containsInAnyOrder(photo, derivative));
		fhir().get("/Media?subject:Patient.family=" + family).then().statusCode(200)
				.body("entry.resource.id", containsInAnyOrder(photo, derivative));
		fhir().get("/Media?patient.name=" + given + "&_sort=subject").then().statusCode(200)
				.body("entry.resource.id", containsInAnyOrder(photo, derivative));
		fhir().get("/Media?_id=" + derivative + "&_include=Media:subject").then().statusCode(200)
				.body("entry.resource.id", hasItems(derivative, patient));
		fhir().get("/Patient?_id=" + patient + "&_revinclude=Media:subject").then().statusCode(200)
				.body("entry.resource.id", hasItems(patient, photo, derivative));
		fhir().get("/Organization?_has:Patient:organization:family=" + family).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(organization)));
		fhir().get("/Patient?_has:Consent:patient:status=active&_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.resource.id", hasItem(patient));
	}

	@Test
	void trainingSearchesWithoutSuchCriteriaStillReturnThePermittedImagesUnderPseudonyms() {
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_sort=_lastUpdated").then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(derivative, otherDerivative)))
				.body("entry.resource.subject.reference", everyItem(nullValue()))
				.body("entry.resource.subject.identifier.value", everyItem(org.hamcrest.Matchers.notNullValue()));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().body("total", equalTo(2));
		aiTraining().get("/Media?_id=" + derivative + "," + photo).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(derivative)));
		// an organization's search reaching only patients (not their images) is not an image probe
		aiTraining().get("/Organization?_has:Patient:organization:family=" + family).then().statusCode(200)
				.body("entry.resource.id", equalTo(List.of(organization)));
	}

	private static void refused(io.restassured.response.Response response) {
		response.then().statusCode(400).body("resourceType", equalTo("OperationOutcome"));
	}

	private static void forbidden(io.restassured.response.Response response) {
		ValidatableResponse then = response.then();
		then.statusCode(403).body("resourceType", equalTo("OperationOutcome"));
	}

	private int imageCount() {
		return fhir().get("/Media?_tag=" + tagQuery() + "&_summary=count").then().statusCode(200).extract().path("total");
	}

	private RequestSpecification aiTraining() {
		return fhir().header(RequestPurpose.HEADER, "ai-training");
	}

	private static String identifier(String value) {
		return ",\"identifier\":[{\"system\":\"" + IMAGE_IDS + "\",\"value\":\"" + value + "\"}]";
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
