package org.dermconsent.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authorization server's endpoints, as SMART clients discover them from
 * {@code /fhir/.well-known/smart-configuration} and the CapabilityStatement. Keycloak publishes them
 * under its realm URL (the issuer).
 */
public record SmartEndpoints(String issuer) {

	public String authorize() {
		return issuer + "/protocol/openid-connect/auth";
	}

	public String token() {
		return issuer + "/protocol/openid-connect/token";
	}

	public String jwks() {
		return issuer + "/protocol/openid-connect/certs";
	}

	public String revoke() {
		return issuer + "/protocol/openid-connect/revoke";
	}

	public String introspect() {
		return issuer + "/protocol/openid-connect/token/introspect";
	}

	/** The SMART App Launch 2.x discovery document. */
	public Map<String, Object> smartConfiguration() {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("issuer", issuer);
		document.put("jwks_uri", jwks());
		document.put("authorization_endpoint", authorize());
		document.put("token_endpoint", token());
		document.put("revocation_endpoint", revoke());
		document.put("introspection_endpoint", introspect());
		document.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
		document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "private_key_jwt"));
		document.put("response_types_supported", List.of("code"));
		document.put("code_challenge_methods_supported", List.of("S256"));
		document.put("scopes_supported", List.of("openid", "fhirUser", "launch/patient", "offline_access",
				"patient/*.rs", "patient/Media.rs", "patient/Consent.cruds", "patient/AuditEvent.rs",
				"user/*.rs", "user/Consent.cruds", "user/Media.cruds", "system/*.rs", "system/Media.rs"));
		document.put("capabilities", List.of("launch-standalone", "client-public", "client-confidential-symmetric",
				"context-standalone-patient", "sso-openid-connect", "permission-patient", "permission-user",
				"permission-v1", "permission-v2"));
		return document;
	}
}
