package org.dermconsent.enforcement;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Bulk export with security off: the job serves the purpose its kickoff request established, whatever
 * its filters say, and its files belong to that purpose. Runs once per database (the job's stored
 * parameters carry its access).
 */
abstract class BulkExportOwnershipSuite extends FhirApi {

	@Autowired
	IJobMaintenanceService jobMaintenance;

	/** A patient who allows de-identified AI training, with a photo and a de-identified derivative. */
	@BeforeEach
	void patientWhoAllowsDeidentifiedTraining() {
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		String photo = create("Media", DermJson.media(testTag, patient, "identifiable", null, ""));
		create("Media", DermJson.media(testTag, patient, "deidentified", null, DermJson.derivedFrom("Media/" + photo)));
	}

	@Test
	void aTypeFilterNamingGrantLabelsIsRefused() {
		for (String filter : List.of(
				"Media?_security=" + DermJson.GRANTED_USE + "|clinical-care",
				"Media?_tag=" + tagQuery() + "&_security=" + DermJson.GRANTED_USE + "|clinical-care",
				"Media?_security=" + URLEncoder.encode(DermJson.GRANTED_USE + "|clinical-care", StandardCharsets.UTF_8),
				"Patient?_security:not=" + DermJson.GRANTED_USE.toUpperCase() + "|x")) {
			aiTraining().header("Prefer", "respond-async").queryParam("_type", "Media,Patient")
					.queryParam("_typeFilter", filter)
					.get("/$export").then().statusCode(400)
					.body("resourceType", equalTo("OperationOutcome"))
					.body("issue[0].diagnostics", containsString(DermJson.GRANTED_USE));
		}
	}

	@Test
	void exportFilesAndStatusAreOnlyForThePurposeThatStartedTheJob() throws InterruptedException {
		String status = startExport(aiTraining());
		List<String> urls = files(this::aiTraining, status);
		assertThat(urls).isNotEmpty();
		fhir().accept("application/json").get(status).then().statusCode(403);
		fhir().accept("application/json").delete(status).then().statusCode(403);
		aiTraining().accept("application/json").get(status).then().statusCode(200);
		for (String url : urls) {
			String file = BulkExportRun.fileId(url);
			aiTraining().accept("application/fhir+ndjson").get("/Binary/" + file).then().statusCode(200);
			fhir().get("/Binary/" + file).then().statusCode(403)
					.body("resourceType", equalTo("OperationOutcome"));
			fhir().header("X-Purpose-Of-Use", "research").get("/Binary/" + file).then().statusCode(403);
			fhir().get("/Binary/" + file + "/_history/1").then().statusCode(403);
			fhir().get("/Binary?_count=500").then().statusCode(200)
					.body("entry.resource.id.flatten()", not(hasItem(file)));
			fhir().get("/Binary?_id=" + file).then().statusCode(200)
					.body("entry.resource.id.flatten()", not(hasItem(file)));
		}
	}

	@Test
	void aClinicalCareExportIsNotReadableForTraining() throws InterruptedException {
		List<String> urls = files(this::fhir, startExport(fhir()));
		assertThat(urls).isNotEmpty();
		for (String url : urls) {
			String file = BulkExportRun.fileId(url);
			fhir().accept("application/fhir+ndjson").get("/Binary/" + file).then().statusCode(200);
			aiTraining().get("/Binary/" + file).then().statusCode(403);
		}
	}

	private String startExport(RequestSpecification client) {
		return client.header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery())
				.get("/$export").then().statusCode(202).extract().header("Content-Location");
	}

	private List<String> files(Supplier<RequestSpecification> client, String status) throws InterruptedException {
		return BulkExportRun.outputUrls(jobMaintenance, client, status);
	}

	private RequestSpecification aiTraining() {
		return fhir().header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String type, String json) {
		return fhir().body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
