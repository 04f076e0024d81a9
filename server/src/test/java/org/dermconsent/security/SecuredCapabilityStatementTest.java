package org.dermconsent.security;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With security on, the CapabilityStatement's security section validates and it lists only what some token can do.
 */
@SecuredServerTest
class SecuredCapabilityStatementTest extends FhirApi {

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));

	@Test
	void theCapabilityStatementSaysHowToGetATokenAndListsWhatTokensCanDo() {
		JsonPath statement = fhir().get("/metadata").then().statusCode(200).extract().jsonPath();
		assertThat(statement.getList("rest[0].security.extension[0].extension.url", String.class))
				.containsExactlyInAnyOrder("authorize", "token");
		assertThat(statement.getBoolean("rest[0].security.cors")).isTrue();
		assertThat(statement.getList("rest[0].interaction.code", String.class)).contains("batch", "transaction");
		List<String> unreachable = List.of("get-resource-counts", "perform-reindexing-pass", "mark-all-resources-for-reindexing",
				"reindex-terminology", "hapi.fhir.replace-references", "hapi.fhir.merge", "meta", "expunge");
		assertThat(statement.getList("rest[0].operation.name", String.class)).contains("export", "export-poll-status")
				.doesNotContainAnyElementsOf(unreachable);
		List<List<String>> resourceOperations = statement.getList("rest[0].resource.operation.name");
		for (List<String> names : resourceOperations) {
			assertThat(names == null ? List.<String>of() : names).doesNotContainAnyElementsOf(unreachable);
		}
		assertThat(statement.getList("rest[0].resource.find { it.type == 'Patient' }.operation.name", String.class))
				.contains("everything", "image-consent-summary", "validate");
		assertThat(statement.getList("rest[0].resource.find { it.type == 'Task' }.operation.name", String.class))
				.contains("respond");
		as(admin).get("/$get-resource-counts").then().statusCode(403);
	}

	private RequestSpecification as(String token) {
		return fhir().header("Authorization", "Bearer " + token);
	}
}
