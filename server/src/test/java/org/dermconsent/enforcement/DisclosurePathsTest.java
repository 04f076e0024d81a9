package org.dermconsent.enforcement;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Base64;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

/**
 * A patient who allows de-identified AI training only. For an AI-training request, the identifiable
 * photo and its bytes must not come out of any path; its de-identified derivative may.
 */
@H2ServerTest
class DisclosurePathsTest extends FhirApi {

	@Autowired
	IJobMaintenanceService jobMaintenance;

	private String patient;
	private String photo;
	private String photoBytes;
	private String derivative;
	private String derivativeBytes;

	@BeforeEach
	void patientWithPhotoAndDerivative() {
		patient = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", consentAllowingDeidentifiedAiTraining());
		photoBytes = createBinary(null);
		photo = create("Media", media("identifiable", "Binary/" + photoBytes, ""));
		derivative = create("Media", media("deidentified", null, DermJson.derivedFrom("Media/" + photo)));
		derivativeBytes = createBinary("Media/" + derivative);
	}

	@Test
	void readOfDeniedImageIsForbidden() {
		aiTraining().get("/Media/" + photo).then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"))
				.body("issue[0].diagnostics", containsString("consent"));
		aiTraining().get("/Media/" + photo + "/_history/1").then().statusCode(403);
		aiTraining().get("/Media/" + derivative).then().statusCode(200);
	}

	@Test
	void clinicalCareStillSeesEverything() {
		fhir().get("/Media/" + photo).then().statusCode(200);
		fhir().get("/Media?subject=Patient/" + patient).then().body("entry.resource.id", hasItem(photo));
		raw().accept("image/jpeg").get("/Binary/" + photoBytes).then().statusCode(200);
	}

	@Test
	void searchLeavesDeniedImagesOut() {
		// criteria on the subject would link a pseudonymized image to its patient: the test's tag finds the images
		aiTraining().get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.resource.id", hasItem(derivative))
				.body("entry.resource.id", not(hasItem(photo)));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_elements=id").then()
				.body("entry.resource.id", not(hasItem(photo)));
		aiTraining().get("/Media?_tag=" + tagQuery() + "&_summary=true").then()
				.body("entry.resource.id", not(hasItem(photo)));
	}

	@Test
	void historyLeavesDeniedImagesOut() {
		aiTraining().get("/Media/" + photo + "/_history").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(photo)));
		aiTraining().get("/Media/_history?_count=50").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(photo)));
		aiTraining().get("/_history?_count=50").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(photo)));
	}

	@Test
	void historyPagesLeaveDeniedImagesOut() {
		List<String> seen = new ArrayList<>();
		String next = "/Media/_history?_count=1";
		for (int page = 0; next != null && page < 200; page++) {
			io.restassured.path.json.JsonPath bundle = aiTraining().get(next).then().statusCode(200).extract().jsonPath();
			List<String> ids = bundle.getList("entry.resource.id", String.class);
			if (ids != null) {
				seen.addAll(ids);
			}
			String url = bundle.getString("link.find { it.relation == 'next' }.url");
			next = url == null ? null : url.substring(url.indexOf("/fhir") + "/fhir".length());
		}
		assertThat(seen).contains(derivative).doesNotContain(photo);
	}

	@Test
	void aWithdrawalIsInForceOnEveryPathAtOnce() {
		String consent = fhir().get("/Consent?patient=Patient/" + patient).then().extract().path("entry[0].resource.id");
		aiTraining().get("/Media?_id=" + derivative).then().body("entry.resource.id", hasItem(derivative));
		// a second version, so that history holds a version labelled while the grant stood
		fhir().body(DermJson.withId(media("deidentified", null, DermJson.derivedFrom("Media/" + photo) + ",\"note\":[{\"text\":\"v2\"}]"), derivative))
				.put("/Media/" + derivative).then().statusCode(200).body("meta.versionId", equalTo("2"));

		fhir().body(consentAllowingDeidentifiedAiTraining().replace("\"active\"", "\"inactive\"")
				.replace("{\"resourceType\":\"Consent\",", "{\"resourceType\":\"Consent\",\"id\":\"" + consent + "\","))
				.put("/Consent/" + consent).then().statusCode(200);

		aiTraining().get("/Media?_id=" + derivative).then().statusCode(200)
				.body("entry.resource.id", not(hasItem(derivative)));
		aiTraining().get("/Media?_tag=" + tagQuery()).then().body("entry.resource.id", not(hasItem(derivative)));
		aiTraining().get("/Media/" + derivative).then().statusCode(403);
		aiTraining().get("/Media/" + derivative + "/_history").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(derivative)));
		aiTraining().get("/Media/" + derivative + "/_history/1").then().statusCode(403);
		aiTraining().get("/Media/_history?_count=1").then().statusCode(200)
				.body("entry.resource.id", not(hasItem(derivative)));
		aiTraining().get("/Binary/" + derivativeBytes).then().statusCode(403);
	}

	@Test
	void aGrantWhosePeriodHasEndedIsNotHonouredEvenBeforeTheLabelsAreRefreshed() throws InterruptedException {
		String other = create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		java.time.Instant end = java.time.Instant.now().plusSeconds(3);
		create("Consent", DermJson.consent(testTag, "Patient/" + other, "active",
				List.of(DermJson.permit("ai-training", "deidentified", "2026-01-01T00:00:00Z", end.toString()))));
		String image = create("Media", DermJson.media(testTag, "Patient/" + other, "deidentified", null, ""));
		aiTraining().get("/Media?_id=" + image).then().body("entry.resource.id", hasItem(image));

		Thread.sleep(Math.max(0, java.time.Duration.between(java.time.Instant.now(), end).toMillis()) + 200);

		aiTraining().get("/Media?_id=" + image).then().statusCode(200)
				.body("entry.resource.id", not(hasItem(image)));
	}

	@Test
	void includesLeaveDeniedImagesOut() {
		String provenance = create("Provenance", "{\"resourceType\":\"Provenance\"," + metaWithTestTag()
				+ ",\"target\":[{\"reference\":\"Media/" + derivative + "\"},{\"reference\":\"Media/" + photo + "\"}]"
				+ ",\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"who\":{\"display\":\"dermatology\"}}]}");
		// for other purposes than care, an include that may bring an image next to what names its patient is refused
		aiTraining().get("/Provenance?_id=" + provenance + "&_include=Provenance:target").then().statusCode(400);
		fhir().get("/Provenance?_id=" + provenance + "&_include=Provenance:target").then().statusCode(200)
				.body("entry.resource.id", hasItem(photo));
		// from the patient to its images, or back, would link a pseudonymized image to its patient
		aiTraining().get("/Patient?_id=" + patient + "&_revinclude=Media:subject").then().statusCode(400);
		aiTraining().get("/Media?_id=" + derivative + "&_include=Media:subject").then().statusCode(400);
	}

	@Test
	void everythingIsForClinicalCareOnly() {
		aiTraining().get("/Patient/" + patient + "/$everything").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().get("/Patient/" + patient + "/$everything").then().statusCode(200)
				.body("entry.resource.id", hasItems(derivative, photo));
	}

	@Test
	void batchGetEntriesAreEnforced() {
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"Media/" + photo + "\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"Media/" + derivative + "\"}},"
				+ "{\"request\":{\"method\":\"GET\",\"url\":\"Media?subject=Patient/" + patient + "\"}}]}";
		aiTraining().body(batch).post("/").then().statusCode(200)
				.body("entry[0].response.status", startsWith("403"))
				.body("entry[1].response.status", startsWith("200"))
				.body("entry[2].resource.entry.resource.id", not(hasItem(photo)));
	}

	@Test
	void imageBytesFollowTheirImage() {
		aiTraining().accept("image/jpeg").get("/Binary/" + photoBytes).then().statusCode(403);
		aiTraining().get("/Binary/" + photoBytes).then().statusCode(403);
		aiTraining().get("/Binary/" + derivativeBytes).then().statusCode(200);
	}

	@Test
	void imageBytesWithoutAnImageAreForCareOnly() {
		String orphan = createBinary(null);
		aiTraining().get("/Binary/" + orphan).then().statusCode(403);
		fhir().get("/Binary/" + orphan).then().statusCode(200);
	}

	@Test
	void bulkExportForTrainingHasOnlyPermittedImages() throws InterruptedException {
		String status = aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery())
				.get("/$export").then().statusCode(202).extract().header("Content-Location");

		List<String> exported = new ArrayList<>();
		for (String url : BulkExportRun.outputUrls(jobMaintenance, this::aiTraining, status)) {
			String ndjson = aiTraining().accept("application/fhir+ndjson").get(url).then().statusCode(200).extract().asString();
			ndjson.lines().filter(line -> !line.isBlank())
					.forEach(line -> exported.add(io.restassured.path.json.JsonPath.from(line).getString("id")));
			assertThat(ndjson).doesNotContain(DermJson.GRANTED_USE);
		}
		assertThat(exported).containsExactly(derivative);
	}

	@Test
	void graphqlIsNotAvailable() {
		aiTraining().queryParam("query", "{MediaList{id}}").get("/$graphql").then()
				.statusCode(greaterThanOrEqualTo(400)).statusCode(lessThan(500));
	}

	@Test
	void everyResultOfASearchForTrainingIsPermitted() {
		aiTraining().get("/Media?_tag=" + tagQuery()).then().statusCode(200)
				.body("entry.resource.meta.security.flatten().code", everyItem(equalTo("deidentified")));
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}

	private String createBinary(String securityContext) {
		String context = securityContext == null ? "" : ",\"securityContext\":{\"reference\":\"" + securityContext + "\"}";
		return create("Binary", "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(8, 8)) + "\"" + context + "}");
	}

	private String media(String identifiability, String url, String extraFields) {
		return DermJson.media(testTag, "Patient/" + patient, identifiability, url, extraFields);
	}

	private String consentAllowingDeidentifiedAiTraining() {
		return DermJson.consent(testTag, "Patient/" + patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null)));
	}
}
