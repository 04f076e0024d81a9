package org.dermconsent.security;

import io.restassured.path.json.JsonPath;
import org.dermconsent.support.FhirApi;
import org.dermconsent.support.LocalTokenIssuer;
import org.dermconsent.support.SecuredServerTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The SMART configuration claims what the server and its authorization server support, consistently, and
 * sends clients to the issuer's endpoints.
 */
@SecuredServerTest
class SmartConfigurationTest extends FhirApi {

	/** The capabilities SMART App Launch 2.x defines. */
	private static final Set<String> SMART_CAPABILITIES = Set.of("launch-ehr", "launch-standalone", "authorize-post",
			"client-public", "client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect",
			"context-passthrough-banner", "context-passthrough-style", "context-ehr-patient", "context-ehr-encounter",
			"context-standalone-patient", "context-standalone-encounter", "permission-offline", "permission-online",
			"permission-patient", "permission-user", "permission-v1", "permission-v2", "smart-app-state");

	@Test
	void theSmartConfigurationClaimsOnlyWhatItSupports() {
		JsonPath smart = fhir().get("/.well-known/smart-configuration").then().statusCode(200).extract().jsonPath();
		List<String> capabilities = smart.getList("capabilities", String.class);
		List<String> authMethods = smart.getList("token_endpoint_auth_methods_supported", String.class);
		List<String> scopes = smart.getList("scopes_supported", String.class);
		assertThat(SMART_CAPABILITIES).containsAll(capabilities);
		assertThat(authMethods.contains("private_key_jwt")).isEqualTo(capabilities.contains("client-confidential-asymmetric"));
		if (capabilities.contains("client-confidential-asymmetric")) {
			assertThat(smart.getList("token_endpoint_auth_signing_alg_values_supported", String.class)).isNotEmpty();
		}
		assertThat(authMethods.contains("client_secret_basic")).isEqualTo(capabilities.contains("client-confidential-symmetric"));
		assertThat(scopes.contains("offline_access")).isEqualTo(capabilities.contains("permission-offline"));
		assertThat(scopes.stream().anyMatch(scope -> scope.matches("(patient|user|system)/.+\\.(read|write|\\*)")))
				.isEqualTo(capabilities.contains("permission-v1"));
		assertThat(scopes.stream().anyMatch(scope -> scope.matches("(patient|user|system)/.+\\.c?r?u?d?s?")))
				.isEqualTo(capabilities.contains("permission-v2"));
		assertThat(capabilities.contains("sso-openid-connect")).isEqualTo(scopes.containsAll(List.of("openid", "fhirUser")));
		// no issuer server answers in this test: the endpoints follow Keycloak's conventions under the issuer
		assertThat(smart.getString("issuer")).isEqualTo(LocalTokenIssuer.ISSUER);
		assertThat(smart.getString("token_endpoint")).isEqualTo(LocalTokenIssuer.ISSUER + "/protocol/openid-connect/token");
		assertThat(smart.getString("authorization_endpoint")).isEqualTo(LocalTokenIssuer.ISSUER + "/protocol/openid-connect/auth");
		fhir().get("/metadata").then()
				.body("rest[0].security.extension[0].extension.find { it.url == 'token' }.valueUri", equalTo(smart.getString("token_endpoint")));
	}
}
