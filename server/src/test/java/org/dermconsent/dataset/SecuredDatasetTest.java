package org.dermconsent.dataset;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.BulkExportRun;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** With security on, a dataset is its client's only: another client neither reads, finds, counts nor checks it. */
@SecuredServerTest
class SecuredDatasetTest extends FhirApi {

	private static final Map<String, Object> TRAINING = Map.of("purpose_of_use", List.of("ai-training"));
	private static final String DATASET_CODE = "https://dermconsent.org/fhir/CodeSystem/list-type|dataset";

	@Autowired
	IJobMaintenanceService jobMaintenance;

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
	private final String labA = LocalTokenIssuer.token("lab-a", "system/*.rs", TRAINING);
	private final String labB = LocalTokenIssuer.token("lab-b", "system/*.rs", TRAINING);

	@Test
	void aDatasetIsDisclosedToItsClientOnly() throws InterruptedException {
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		String image = create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
		String status = training(labA).header("Prefer", "respond-async").queryParam("_type", "Media")
				.queryParam("_typeFilter", "Media?_tag=" + tagQuery()).get("/$export").then().statusCode(202)
				.extract().header("Content-Location");
		BulkExportRun.outputUrls(jobMaintenance, () -> training(labA), status);
		String dataset = training(labA).accept("application/json").get(status).then().statusCode(200).extract()
				.path("extension.dataset");
		String id = dataset.substring("List/".length());

		training(labA).get("/" + dataset).then().statusCode(200).body("source.reference", equalTo("Device/lab-a"))
				.body("entry[0].item.reference", equalTo("Media/" + image));
		training(labA).queryParam("code", DATASET_CODE).queryParam("_count", "500").get("/List").then().statusCode(200)
				.body("entry.resource.id.flatten()", hasItem(id));
		training(labA).get("/" + dataset + "/$dataset-status").then().statusCode(200)
				.body("parameter.find { it.name == 'permitted' }.valueInteger", equalTo(1));

		training(labB).get("/" + dataset).then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
		training(labB).get("/" + dataset + "/_history").then().statusCode(200).body("entry", org.hamcrest.Matchers.nullValue());
		training(labB).get("/" + dataset + "/$dataset-status").then().statusCode(404).body("resourceType", equalTo("OperationOutcome"));
		training(labB).queryParam("code", DATASET_CODE).queryParam("_count", "500").get("/List").then().statusCode(200)
				.body("entry.resource.id.flatten()", not(hasItem(id)));
		training(labB).queryParam("_id", id).get("/List").then().statusCode(200).body("total", equalTo(0));
		training(labB).queryParam("_id", id).queryParam("_summary", "count").get("/List").then().statusCode(200)
				.body("total", equalTo(0));
		training(labB).queryParam("item", "Media/" + image).get("/List").then().statusCode(200).body("total", equalTo(0));
		training(labB).queryParam("code", DATASET_CODE).queryParam("source", "Device/lab-a").get("/List").then().statusCode(200)
				.body("total", equalTo(0));
		// nobody writes datasets, not even a token that may write every List
		as(admin).header("X-Purpose-Of-Use", "clinical-care").delete("/" + dataset).then().statusCode(403);
	}

	private RequestSpecification training(String token) {
		return as(token).header("X-Purpose-Of-Use", "ai-training");
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}

	private String create(String type, String json) {
		return as(admin).body(json).post("/" + type).then().statusCode(201).extract().path("id");
	}
}
