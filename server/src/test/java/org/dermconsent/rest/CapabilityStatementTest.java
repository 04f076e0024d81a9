package org.dermconsent.rest;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.H2ServerTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The CapabilityStatement lists what works, and nothing that is refused (DESIGN 9). */
@H2ServerTest
class CapabilityStatementTest extends FhirApi {

	private static final List<String> REFUSED_OPERATIONS =
			List.of("meta", "meta-add", "meta-delete", "expunge", "get-resource-counts");

	@Test
	void batchAndTransactionAreListedAndWork() {
		fhir().get("/metadata").then().statusCode(200)
				.body("rest[0].interaction.code", hasItems("batch", "transaction"));
		fhir().body("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\"Patient?_count=1\"}}]}")
				.post("").then().statusCode(200).body("type", equalTo("batch-response"));
		fhir().body("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\","
				+ metaWithTestTag() + "},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}")
				.post("").then().statusCode(200).body("type", equalTo("transaction-response"));
	}

	@Test
	void nothingRefusedIsListed() {
		JsonPath statement = fhir().get("/metadata").then().statusCode(200).extract().jsonPath();
		assertThat(statement.getList("format", String.class))
				.containsExactlyInAnyOrder("application/fhir+json", "json", "application/fhir+xml", "xml");
		assertThat(statement.getList("rest[0].operation.name", String.class)).doesNotContainAnyElementsOf(REFUSED_OPERATIONS);
		List<List<String>> resourceOperations = statement.getList("rest[0].resource.operation.name");
		for (List<String> names : resourceOperations) {
			assertThat(names == null ? List.<String>of() : names).doesNotContainAnyElementsOf(REFUSED_OPERATIONS);
		}
		List<List<String>> searchParams = statement.getList("rest[0].resource.searchParam.name");
		for (List<String> names : searchParams) {
			assertThat(names).doesNotContain("_has", "_list").contains("_id", "_lastUpdated");
		}
		assertThat(statement.getList("rest[0].resource.find { it.type == 'AuditEvent' }.interaction.code", String.class))
				.contains("create", "read", "search-type").doesNotContain("update", "patch", "delete");

		// and they are indeed refused
		fhir().get("/Patient/$meta").then().statusCode(400);
		fhir().body("{\"resourceType\":\"Parameters\"}").post("/$expunge").then().statusCode(405);
		fhir().get("/Patient?_has:Media:subject:status=completed").then().statusCode(400);
		fhir().body("{\"resourceType\":\"AuditEvent\",\"id\":\"x\"}").put("/AuditEvent/x").then().statusCode(405);
	}

	@Test
	void resourceCountsAreForClinicalCareOnly() {
		fhir().header("X-Purpose-Of-Use", "ai-training").get("/$get-resource-counts").then().statusCode(403)
				.body("resourceType", equalTo("OperationOutcome"));
		fhir().header("X-Purpose-Of-Use", "research").body("{\"resourceType\":\"Parameters\"}").post("/$get-resource-counts")
				.then().statusCode(403);
		fhir().get("/$get-resource-counts").then().statusCode(200).body("resourceType", equalTo("Parameters"));
	}

	/**
	 * Nor does the public CapabilityStatement tell them: HAPI's resourceCount extension gave every
	 * client, with any purpose and (in secure mode) without a token, the number of Media, Consents and
	 * Patients; validators also reject the extension, which no package defines.
	 */
	@Test
	void theCapabilityStatementCountsNoResources() {
		fhir().body("{\"resourceType\":\"Patient\"}").post("/Patient").then().statusCode(201);
		String statement = fhir().header("X-Purpose-Of-Use", "ai-training").get("/metadata").then().statusCode(200)
				.extract().asString();
		assertThat(statement).doesNotContain("resourceCount");
	}

	@Test
	void itsContentLocationIsNotADeadLink() {
		Response metadata = fhir().get("/metadata");
		metadata.then().statusCode(200);
		String contentLocation = metadata.header("Content-Location");
		if (contentLocation != null) {
			fhir().get(contentLocation).then().statusCode(200).body("resourceType", equalTo("CapabilityStatement"));
		}
	}
}
