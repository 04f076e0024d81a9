package org.dermconsent.security;

import com.fasterxml.jackson.databind.JsonNode;
import org.dermconsent.support.KeycloakServer;
import org.dermconsent.support.KeycloakServer.Tokens;
import org.dermconsent.support.KeycloakServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dermconsent.support.KeycloakServer.AUDIENCE;
import static org.dermconsent.support.KeycloakServer.ISSUER;

/**
 * The realm in docker/keycloak against a real Keycloak: the tokens each client gets carry what the
 * server's SMART checks rely on (issuer, audience, scope, purpose_of_use, patient). No FHIR server here.
 * Run with {@code mvn -Pkeycloak -pl server verify -Dit.test=KeycloakRealmKeycloakIT}.
 */
@ExtendWith(KeycloakServerExtension.class)
class KeycloakRealmKeycloakIT {

	private static KeycloakServer keycloak;

	@BeforeAll
	static void keycloak(KeycloakServer server) {
		keycloak = server;
		System.out.printf("Keycloak %s ready in %d ms, RSS %s MiB, log %s%n", KeycloakServer.VERSION,
				server.startupTime().toMillis(), server.residentKiB().map(kib -> Long.toString(kib / 1024)).orElse("?"),
				server.log());
	}

	@Test
	void researchPlatformGetsASystemTokenWithItsPurposes() {
		Tokens tokens = keycloak.clientCredentials(KeycloakServer.RESEARCH_PLATFORM, KeycloakServer.RESEARCH_SECRET);
		JsonNode claims = tokens.accessClaims();

		assertThat(KeycloakServer.header(tokens.accessToken()).path("alg").asText()).isEqualTo("RS256");
		assertThat(claims.path("iss").asText()).isEqualTo(ISSUER);
		assertThat(audiences(claims)).containsExactly(AUDIENCE);
		assertThat(claims.path("azp").asText()).isEqualTo("research-platform");
		assertThat(claims.path("client_id").asText()).isEqualTo("research-platform");
		assertThat(claims.path("sub").asText()).isNotBlank();
		assertThat(claims.path("exp").asLong()).isGreaterThan(claims.path("iat").asLong());
		assertThat(KeycloakServer.scopes(claims)).contains("system/Media.rs", "system/Binary.r", "system/Task.cruds",
						"system/Subscription.cruds")
				.noneMatch(scope -> scope.startsWith("patient/") || scope.startsWith("user/"));
		assertThat(strings(claims.path("purpose_of_use"))).containsExactly("ai-training", "research", "education");
		assertThat(claims.has("patient")).isFalse();
		assertThat(tokens.response().has("patient")).isFalse();
		assertThat(tokens.refreshToken()).as("no refresh token for client credentials").isNull();
	}

	@Test
	void patientAppGetsAPatientContextTokenByAuthorizationCodeWithPkce() {
		Tokens tokens = keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null,
				KeycloakServer.SMART_REDIRECT_URI, KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD,
				"openid", "fhirUser", "launch/patient", "patient/Media.rs", "patient/Consent.cruds", "patient/AuditEvent.rs");
		JsonNode claims = tokens.accessClaims();

		assertThat(claims.path("iss").asText()).isEqualTo(ISSUER);
		assertThat(audiences(claims)).containsExactly(AUDIENCE);
		assertThat(claims.path("azp").asText()).isEqualTo("smart-patient-app");
		assertThat(claims.path("sub").asText()).isNotBlank();
		assertThat(claims.path("patient").asText()).isEqualTo(KeycloakServer.PATIENT_ID);
		assertThat(claims.path("fhirUser").asText()).isEqualTo("Patient/demo-patient-1");
		assertThat(KeycloakServer.scopes(claims)).contains("openid", "fhirUser", "launch/patient",
				"patient/Media.rs", "patient/Consent.cruds", "patient/AuditEvent.rs")
				.noneMatch(scope -> scope.startsWith("system/") || scope.startsWith("user/"));
		assertThat(strings(claims.path("purpose_of_use"))).containsExactly("clinical-care");
		assertThat(tokens.scope()).contains("patient/Media.rs");
		assertThat(tokens.response().path("patient").asText())
				.as("SMART's launch context parameter in the token response, where fhirclient reads it")
				.isEqualTo(KeycloakServer.PATIENT_ID);

		JsonNode id = tokens.idClaims();
		assertThat(id.path("fhirUser").asText()).isEqualTo("Patient/demo-patient-1");
		assertThat(id.path("aud").asText()).isEqualTo("smart-patient-app");
	}

	@Test
	void theTokenResponseNamesAPatientOnlyWhenLaunchPatientIsGranted() {
		Tokens tokens = keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null,
				KeycloakServer.SMART_REDIRECT_URI, KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD,
				"openid", "patient/Media.rs");

		assertThat(KeycloakServer.scopes(tokens.accessClaims())).doesNotContain("launch/patient");
		assertThat(tokens.response().has("patient")).isFalse();
	}

	@Test
	void ehrUserTokenCarriesUserScopesAndClinicalPurposes() {
		Tokens tokens = keycloak.password(KeycloakServer.EHR, KeycloakServer.EHR_SECRET,
				KeycloakServer.CLINICIAN_USER, KeycloakServer.CLINICIAN_PASSWORD);
		JsonNode claims = tokens.accessClaims();

		assertThat(claims.path("iss").asText()).isEqualTo(ISSUER);
		assertThat(audiences(claims)).containsExactly(AUDIENCE);
		assertThat(claims.path("azp").asText()).isEqualTo("ehr");
		assertThat(claims.path("preferred_username").asText()).isEqualTo("clinician-demo");
		assertThat(claims.path("fhirUser").asText()).isEqualTo("Practitioner/demo-practitioner-1");
		assertThat(KeycloakServer.scopes(claims)).contains("user/Consent.cruds", "user/Media.cruds")
				.noneMatch(scope -> scope.startsWith("system/") || scope.startsWith("patient/"));
		assertThat(strings(claims.path("purpose_of_use"))).containsExactly("clinical-care", "care-team-sharing");
		assertThat(claims.has("patient")).isFalse();
	}

	@Test
	void aPatientSigningInThroughTheEhrGetsNoResourceScopes() {
		JsonNode claims = keycloak.password(KeycloakServer.EHR, KeycloakServer.EHR_SECRET,
				KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD).accessClaims();

		assertThat(claims.path("fhirUser").asText()).isEqualTo("Patient/demo-patient-1");
		assertThat(KeycloakServer.scopes(claims)).as("user/ scopes are for clinicians only")
				.noneMatch(scope -> scope.startsWith("user/") || scope.startsWith("patient/") || scope.startsWith("system/"));
	}

	@Test
	void aClinicianGetsNoPatientScopesThroughThePatientApp() {
		JsonNode claims = keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null,
				KeycloakServer.SMART_REDIRECT_URI, KeycloakServer.CLINICIAN_USER, KeycloakServer.CLINICIAN_PASSWORD,
				"openid", "launch/patient", "patient/Media.rs", "patient/Consent.cruds").accessClaims();

		assertThat(KeycloakServer.scopes(claims)).as("patient/ scopes are for patients only")
				.noneMatch(scope -> scope.startsWith("user/") || scope.startsWith("patient/") || scope.startsWith("system/"));
	}

	@Test
	void tokenEndpointRefusesAWrongSecret() {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "client_credentials");
		form.put("client_id", KeycloakServer.RESEARCH_PLATFORM);
		form.put("client_secret", "not-the-secret");
		HttpResponse<String> response = keycloak.tokenRequest(form);

		assertThat(response.statusCode()).isEqualTo(401);
		// Keycloak 26 answers unauthorized_client here (RFC 6749 would say invalid_client)
		assertThat(response.body()).containsAnyOf("\"invalid_client\"", "\"unauthorized_client\"")
				.doesNotContain("access_token");
	}

	@Test
	void clientsGetOnlyTheGrantsTheyAreMadeFor() {
		Map<String, String> researchPassword = new LinkedHashMap<>();
		researchPassword.put("grant_type", "password");
		researchPassword.put("client_id", KeycloakServer.RESEARCH_PLATFORM);
		researchPassword.put("client_secret", KeycloakServer.RESEARCH_SECRET);
		researchPassword.put("username", KeycloakServer.PATIENT_USER);
		researchPassword.put("password", KeycloakServer.PATIENT_PASSWORD);
		assertThat(keycloak.tokenRequest(researchPassword).statusCode()).isIn(400, 401);

		Map<String, String> patientAppPassword = new LinkedHashMap<>(researchPassword);
		patientAppPassword.put("client_id", KeycloakServer.SMART_PATIENT_APP);
		patientAppPassword.remove("client_secret");
		assertThat(keycloak.tokenRequest(patientAppPassword).statusCode()).isIn(400, 401);

		assertThatThrownBy(() -> keycloak.authorizationCodeWithPkce(KeycloakServer.SMART_PATIENT_APP, null,
				KeycloakServer.SMART_REDIRECT_URI, KeycloakServer.PATIENT_USER, KeycloakServer.PATIENT_PASSWORD,
				"openid", "launch/patient", "system/Media.rs"))
				.as("a patient app cannot ask for system scopes")
				.hasMessageContaining("invalid_scope");
	}

	@Test
	void patientAppMustUsePkce() {
		HttpResponse<String> response = keycloak.authorizationRequestWithoutPkce(KeycloakServer.SMART_PATIENT_APP,
				KeycloakServer.SMART_REDIRECT_URI, "openid", "patient/Media.rs");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location").orElseThrow())
				.startsWith(KeycloakServer.SMART_REDIRECT_URI)
				.contains("error=invalid_request")
				.contains("code_challenge");
	}

	private static List<String> audiences(JsonNode claims) {
		return strings(claims.path("aud"));
	}

	private static List<String> strings(JsonNode node) {
		List<String> values = new ArrayList<>();
		if (node.isArray()) {
			node.forEach(value -> values.add(value.asText()));
		} else if (!node.isMissingNode() && !node.isNull()) {
			values.add(node.asText());
		}
		return values;
	}
}
