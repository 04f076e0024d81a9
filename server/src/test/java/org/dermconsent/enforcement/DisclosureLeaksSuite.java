package org.dermconsent.enforcement;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * Paths that disclosed denied images to a hostile client although every read path was guarded: what a
 * write returns, old versions judged by their own outdated facts, and further pages of someone
 * else's search. A patient allows de-identified AI training only; the requests are for AI training.
 */
abstract class DisclosureLeaksSuite extends FhirApi {

	private static final String AI_TRAINING = "ai-training";

	private String patient;
	private String photo;
	private String derivative;

	@BeforeEach
	void patientWithPhotoAndDerivative() {
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit(AI_TRAINING, "deidentified", null, null))));
		photo = create("Media", media(patient, "identifiable", ""));
		derivative = create("Media", media(patient, "deidentified", DermJson.derivedFrom("Media/" + photo)));
	}

	// what a write returns is a disclosure too

	@Test
	void aJsonPatchThatOnlyTestsDoesNotReturnTheDeniedImage() {
		Response response = aiTraining().contentType("application/json-patch+json")
				.header("Prefer", "return=representation")
				.body("[{\"op\":\"test\",\"path\":\"/status\",\"value\":\"completed\"}]")
				.patch("/Media/" + photo);
		assertNoImageShown(response, photo);
	}

	@Test
	void aFhirPathPatchDoesNotReturnTheDeniedImage() {
		Response response = aiTraining().header("Prefer", "return=representation")
				.body("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
						+ "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Media.status\"},"
						+ "{\"name\":\"value\",\"valueCode\":\"completed\"}]}]}")
				.patch("/Media/" + photo);
		assertNoImageShown(response, photo);
	}

	@Test
	void aBatchPatchEntryDoesNotReturnTheDeniedImage() {
		String patch = java.util.Base64.getEncoder().encodeToString(
				"[{\"op\":\"test\",\"path\":\"/status\",\"value\":\"completed\"}]".getBytes());
		Response response = aiTraining().header("Prefer", "return=representation")
				.body("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":{\"resourceType\":\"Binary\","
						+ "\"contentType\":\"application/json-patch+json\",\"data\":\"" + patch + "\"},"
						+ "\"request\":{\"method\":\"PATCH\",\"url\":\"Media/" + photo + "\"}}]}")
				.post("/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.jsonPath().getString("entry[0].response.status")).startsWith("200");
		assertThat(response.asString()).doesNotContain("\"" + photo + "\"," + "\"meta\"").doesNotContain("image/jpeg");
		assertThat(response.jsonPath().getString("entry[0].resource.resourceType")).isNotEqualTo("Media");
	}

	@Test
	void anUpdateDoesNotReturnTheDeniedImage() {
		String body = media(patient, "identifiable", ",\"id\":\"" + photo + "\",\"note\":[{\"text\":\"v2\"}]");
		Response response = aiTraining().header("Prefer", "return=representation").body(body).put("/Media/" + photo);
		assertNoImageShown(response, photo);
	}

	@Test
	void aWriteOfAPermittedImageStillReturnsIt() {
		Response response = aiTraining().header("Prefer", "return=representation")
				.contentType("application/json-patch+json")
				.body("[{\"op\":\"test\",\"path\":\"/status\",\"value\":\"completed\"}]")
				.patch("/Media/" + derivative);
		response.then().statusCode(200).body("resourceType", equalTo("Media")).body("id", equalTo(derivative));
		assertThat(response.asString()).doesNotContain(DermJson.GRANTED_USE);
	}

	@Test
	void aTransactionThatWritesAPermittedImageReturnsItWithoutGrantLabels() {
		String body = media(patient, "deidentified", ",\"id\":\"" + derivative + "\",\"note\":[{\"text\":\"v2\"}]"
				+ DermJson.derivedFrom("Media/" + photo));
		Response response = aiTraining().header("Prefer", "return=representation")
				.body(DermJson.transaction(DermJson.entry("PUT", "Media/" + derivative, body)))
				.post("/");
		response.then().statusCode(200).body("entry[0].resource.id", equalTo(derivative));
		assertThat(response.asString()).doesNotContain(DermJson.GRANTED_USE);
	}

	@Test
	void aTransactionReturnsTheImageItCreatesWhenTheConsentItCreatesPermitsIt() {
		String newPatient = "urn:uuid:" + java.util.UUID.randomUUID();
		String consent = DermJson.consent(testTag, newPatient, "active", List.of(DermJson.permit(AI_TRAINING, "deidentified", null, null)));
		String image = DermJson.media(testTag, newPatient, "deidentified", null, "");
		Response response = aiTraining().header("Prefer", "return=representation").body(DermJson.transaction(
						"{\"fullUrl\":\"" + newPatient + "\",\"resource\":{\"resourceType\":\"Patient\"," + metaWithTestTag()
								+ "},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}",
						DermJson.entry("POST", "Consent", consent),
						DermJson.entry("POST", "Media", image)))
				.post("/");
		response.then().statusCode(200).body("entry[2].response.status", startsWith("201"))
				.body("entry[2].resource.resourceType", equalTo("Media"));
		assertThat(response.asString()).doesNotContain(DermJson.GRANTED_USE);
	}

	@Test
	void aTransactionDoesNotReturnAnImageItCreatesThatNoConsentPermits() {
		String image = DermJson.media(testTag, "Patient/" + patient, "identifiable", null, "");
		Response response = aiTraining().header("Prefer", "return=representation")
				.body(DermJson.transaction(DermJson.entry("POST", "Media", image)))
				.post("/");
		response.then().statusCode(200).body("entry[0].response.status", startsWith("201"));
		assertThat(response.jsonPath().getString("entry[0].resource")).isNull();
		assertThat(response.asString()).doesNotContain("image/jpeg").doesNotContain(DermJson.GRANTED_USE);
	}

	// every version is judged by today's facts

	@Test
	void anImageRelabelledIdentifiableIsNotServedThroughItsOldVersions() {
		String image = create("Media", media(patient, "deidentified", ""));
		fhir().body(media(patient, "identifiable", ",\"id\":\"" + image + "\"")).put("/Media/" + image).then().statusCode(200);
		assertNoVersionServed(image);
	}

	@Test
	void anImageMovedToAPatientWithoutConsentIsNotServedThroughItsOldVersions() {
		String image = create("Media", media(patient, "deidentified", ""));
		String other = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		fhir().body(media(other, "deidentified", ",\"id\":\"" + image + "\"")).put("/Media/" + image).then().statusCode(200);
		assertNoVersionServed(image);
	}

	@Test
	void aDeletedImageIsForClinicalCareOnly() {
		String image = create("Media", media(patient, "deidentified", ""));
		fhir().delete("/Media/" + image).then().statusCode(200);
		aiTraining().get("/Media/" + image + "/_history/1").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		aiTraining().get("/Media/" + image + "/_history").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(image)));
		fhir().get("/Media/" + image + "/_history/1").then().statusCode(200);
	}

	@Test
	void anUnchangedPermittedImageIsStillServedThroughItsHistory() {
		aiTraining().get("/Media/" + derivative + "/_history/1").then().statusCode(200);
		aiTraining().get("/Media/" + derivative + "/_history").then().statusCode(200)
				.body("entry.resource.id", hasItem(derivative));
	}

	private void assertNoVersionServed(String image) {
		aiTraining().get("/Media/" + image + "/_history/1").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		aiTraining().get("/Media/" + image + "/_history").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(image)));
		assertThat(walk("/Media/_history?_count=10")).doesNotContain(image);
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"Media/" + image + "/_history/1\"}}]}";
		aiTraining().body(batch).post("/").then().statusCode(200)
				.body("entry[0].response.status", startsWith("403"));
		fhir().get("/Media/" + image + "/_history/1").then().statusCode(200);
	}

	// further pages belong to the purpose that made the search

	@Test
	void aClinicalCareEverythingPageIsNotServedForAnotherPurpose() {
		String next = fhir().get("/Patient/" + patient + "/$everything?_count=1").then().statusCode(200)
				.extract().path("link.find { it.relation == 'next' }.url");
		assertThat(next).as("a next page").isNotNull();
		aiTraining().get(pathOf(next)).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		fhir().get(pathOf(next)).then().statusCode(200);
	}

	@Test
	void aClinicalCareSearchPageIsNotServedForAnotherPurpose() {
		JsonPath first = fhir().get("/Media?_tag=" + tagQuery() + "&_count=1&_total=accurate").then().statusCode(200)
				.extract().jsonPath();
		assertThat(first.getInt("total")).isEqualTo(2);
		String next = first.getString("link.find { it.relation == 'next' }.url");
		Response cross = aiTraining().get(pathOf(next));
		cross.then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		assertThat(cross.asString()).doesNotContain("\"total\"");
		fhir().get(pathOf(next)).then().statusCode(200);
	}

	@Test
	void aSearchPageIsServedForThePurposeThatMadeIt() {
		create("Media", media(patient, "deidentified", ""));
		String next = aiTraining().get("/Media?_tag=" + tagQuery() + "&_count=1").then().statusCode(200)
				.extract().path("link.find { it.relation == 'next' }.url");
		aiTraining().get(pathOf(next)).then().statusCode(200).body("entry.size()", equalTo(1));
		fhir().get(pathOf(next)).then().statusCode(403);
	}

	private List<String> walk(String first) {
		List<String> seen = new java.util.ArrayList<>();
		String next = first;
		for (int page = 0; next != null && page < 500; page++) {
			JsonPath bundle = aiTraining().get(next).then().statusCode(200).extract().jsonPath();
			List<String> ids = bundle.getList("entry.resource.id", String.class);
			if (ids != null) {
				seen.addAll(ids);
			}
			String url = bundle.getString("link.find { it.relation == 'next' }.url");
			next = url == null ? null : pathOf(url);
		}
		return seen;
	}

	private static String pathOf(String url) {
		return url.substring(url.indexOf("/fhir") + "/fhir".length());
	}

	private static void assertNoImageShown(Response response, String image) {
		assertThat(response.statusCode()).as(response.asString()).isBetween(200, 299);
		String body = response.asString();
		if (!body.isBlank()) {
			assertThat(JsonPath.from(body).getString("resourceType")).as(body).isNotEqualTo("Media");
		}
		assertThat(body).doesNotContain("image/jpeg").doesNotContain(DermJson.GRANTED_USE);
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", AI_TRAINING);
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String media(String subject, String identifiability, String extraFields) {
		return DermJson.media(testTag, "Patient/" + subject, identifiability, null, extraFields);
	}
}
