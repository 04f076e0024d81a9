package org.dermconsent.security;

import io.restassured.specification.RequestSpecification;
import org.dermconsent.support.DermJson;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A search's further pages belong to the client and user that made the search, not only to its
 * purpose: another research client with the very same scopes and purpose gets 403 for them.
 */
@SecuredServerTest
class SecuredPagingTest extends FhirApi {

	private static final Map<String, Object> TRAINING = Map.of("purpose_of_use", List.of("ai-training"));

	private final String admin = LocalTokenIssuer.token("admin", "system/*.*",
			Map.of("purpose_of_use", List.of("clinical-care", "secondary-use")));
	private final String labA = LocalTokenIssuer.token("lab-a", "system/*.rs", TRAINING);
	private final String labB = LocalTokenIssuer.token("lab-b", "system/*.rs", TRAINING);

	@BeforeEach
	void twoPermittedImages() {
		String patient = "Patient/" + create("Patient", "{\"resourceType\":\"Patient\"," + metaWithTestTag() + "}");
		create("Consent", DermJson.consent(testTag, patient, "active",
				List.of(DermJson.permit("ai-training", "deidentified", null, null))));
		create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
		create("Media", DermJson.media(testTag, patient, "deidentified", null, ""));
	}

	@Test
	void anotherClientWithTheSameScopesAndPurposeMayNotPageThroughTheSearch() {
		String next = training(labA).get("/Media?_tag=" + tagQuery() + "&_count=1").then().statusCode(200)
				.extract().path("link.find { it.relation == 'next' }.url");
		assertThat(next).as("a next page").isNotNull();
		String page = next.substring(next.indexOf("/fhir") + "/fhir".length());

		training(labB).get(page).then().statusCode(403).body("resourceType", equalTo("OperationOutcome"));
		training(labA).get(page).then().statusCode(200).body("entry.size()", equalTo(1));
	}

	private RequestSpecification training(String token) {
		return fhir().header("Authorization", "Bearer " + token).header("X-Purpose-Of-Use", "ai-training");
	}

	private String create(String type, String json) {
		return fhir().header("Authorization", "Bearer " + admin).body(json).post("/" + type).then().statusCode(201)
				.extract().path("id");
	}
}
