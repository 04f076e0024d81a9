package org.dermconsent.rest;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.response.Response;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.dermconsent.support.TestImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.equalToIgnoringCase;
import static org.hamcrest.Matchers.hasItem;

/** HTTP as FHIR and client libraries expect it: preconditions, manifests, downloads, empty operation bodies. */
@H2ServerTest
class HttpDetailsTest extends FhirApi {

	@Autowired
	IJobMaintenanceService jobMaintenance;

	@Test
	void aStaleIfMatchIs412() {
		String id = patient();
		fhir().header("If-Match", "W/\"1\"").body(patientJson(id, "Ann")).put("/Patient/" + id).then().statusCode(200);
		fhir().header("If-Match", "W/\"1\"").body(patientJson(id, "Bea")).put("/Patient/" + id).then().statusCode(412)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().header("If-Match", "W/\"1\"").contentType("application/json-patch+json")
				.body("[{\"op\":\"add\",\"path\":\"/active\",\"value\":true}]").patch("/Patient/" + id).then().statusCode(412)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().header("If-Match", "W/\"2\"").body(patientJson(id, "Bea")).put("/Patient/" + id).then().statusCode(200);
	}

	@Test
	void aStaleIfMatchInABatchEntryIs412AndTheOtherEntriesAreDone() {
		String id = patient();
		fhir().body(patientJson(id, "Ann")).put("/Patient/" + id).then().statusCode(200);
		String batch = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
				+ "{\"resource\":" + patientJson(id, "Bea") + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + id
				+ "\",\"ifMatch\":\"W/\\\"1\\\"\"}},"
				+ "{\"resource\":" + patientJson(id, "Cat") + ",\"request\":{\"method\":\"PUT\",\"url\":\"Patient/" + id
				+ "\",\"ifMatch\":\"W/\\\"2\\\"\"}}]}";
		fhir().body(batch).post("/").then().statusCode(200)
				.body("entry[0].response.status", org.hamcrest.Matchers.startsWith("412"))
				.body("entry[0].response.outcome.resourceType", equalTo("OperationOutcome"))
				.body("entry[1].response.status", org.hamcrest.Matchers.startsWith("200"));
		fhir().get("/Patient/" + id).then().body("meta.versionId", equalTo("3"));
	}

	@Test
	void theExportManifestIsUtf8JsonAndNeedsNoTokenWithSecurityOff() throws InterruptedException {
		patient();
		String status = fhir().header("Prefer", "respond-async").queryParam("_type", "Patient")
				.queryParam("_typeFilter", "Patient?_tag=" + tagQuery())
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
		List<String> files = BulkExportRun.outputUrls(jobMaintenance, this::fhir, status);
		assertThat(files).isNotEmpty();
		fhir().accept("application/json").get(status).then().statusCode(200)
				.header("Content-Type", equalToIgnoringCase("application/json;charset=UTF-8"))
				.body("requiresAccessToken", equalTo(false))
				.body("output.type", hasItem("Patient"));
	}

	@Test
	void aBinaryDownloadIsNamedAfterItsIdAndType() {
		String body = "{\"resourceType\":\"Binary\",\"contentType\":\"image/jpeg\",\"data\":\""
				+ Base64.getEncoder().encodeToString(TestImages.jpeg(8, 8)) + "\"}";
		String id = fhir().body(body).post("/Binary").then().statusCode(201).extract().path("id");
		Response download = raw().accept("image/jpeg").get("/Binary/" + id);
		download.then().statusCode(200).contentType("image/jpeg");
		assertThat(download.header("Content-Disposition")).isEqualToIgnoringCase("attachment; filename=\"" + id + ".jpg\"");
		Response version = raw().accept("image/jpeg").get("/Binary/" + id + "/_history/1");
		assertThat(version.header("Content-Disposition")).isEqualToIgnoringCase("attachment; filename=\"" + id + ".jpg\"");
	}

	@Test
	void anOperationPostedWithAnEmptyJsonBodyIsAnsweredLikeAGet() {
		String id = patient();
		for (String contentType : List.of("application/json", "application/fhir+json", "application/fhir+json; charset=UTF-8")) {
			raw().accept(FHIR_JSON).contentType(contentType).post("/Patient/" + id + "/$image-consent-summary")
					.then().statusCode(200).body("resourceType", equalTo("Parameters"));
		}
		fhir().get("/Patient/" + id + "/$image-consent-summary").then().statusCode(200);
		// a body that is there must still be a resource
		raw().accept(FHIR_JSON).contentType("application/json").body("{")
				.post("/Patient/" + id + "/$image-consent-summary").then().statusCode(400)
				.body("resourceType", equalTo("OperationOutcome"));
	}

	private String patient() {
		return fhir().body("{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}").post("/Patient")
				.then().statusCode(201).extract().path("id");
	}

	private String patientJson(String id, String name) {
		return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\"," + metaWithTestTag() + ",\"name\":[{\"given\":[\""
				+ name + "\"]}]}";
	}
}
