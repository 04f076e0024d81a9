package org.dermconsent.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The authorization server's endpoints, as SMART clients discover them from
 * {@code /fhir/.well-known/smart-configuration} and the CapabilityStatement: those the issuer
 * publishes in its OpenID metadata, or, while that cannot be fetched, where Keycloak puts them under
 * its realm URL (the issuer).
 */
public class SmartEndpoints {

	/**
	 * What the discovery document claims, kept consistent with each other (SMART App Launch 2.x):
	 * confidential clients authenticate with a client secret (the realm's clients do; no
	 * {@code private_key_jwt}, so no {@code client-confidential-asymmetric}); tokens are not offered
	 * for offline use (no {@code offline_access}, no {@code permission-offline}); scopes are
	 * understood in both the v2 and the v1 syntax, and both are listed.
	 */
	static final List<String> AUTH_METHODS = List.of("client_secret_basic", "client_secret_post");
	static final List<String> SCOPES = List.of("openid", "fhirUser", "launch/patient",
			"patient/*.rs", "patient/Media.rs", "patient/Binary.r", "patient/Consent.cruds", "patient/QuestionnaireResponse.cr",
			"patient/AuditEvent.rs",
			"user/*.rs", "user/Consent.cruds", "user/Media.cruds", "system/*.rs", "system/Media.rs",
			"patient/*.read", "user/*.read", "system/*.read");
	static final List<String> CAPABILITIES = List.of("launch-standalone", "client-public", "client-confidential-symmetric",
			"context-standalone-patient", "sso-openid-connect", "permission-patient", "permission-user",
			"permission-v1", "permission-v2");

	private final IssuerMetadata metadata;

	public SmartEndpoints(IssuerMetadata metadata) {
		this.metadata = metadata;
	}

	public String issuer() {
		return metadata.issuer();
	}

	public String authorize() {
		return metadata.endpoint("authorization_endpoint").orElse(issuer() + "/protocol/openid-connect/auth");
	}

	public String token() {
		return metadata.endpoint("token_endpoint").orElse(issuer() + "/protocol/openid-connect/token");
	}

	public String jwks() {
		return metadata.endpoint("jwks_uri").orElse(issuer() + "/protocol/openid-connect/certs");
	}

	public String revoke() {
		return metadata.endpoint("revocation_endpoint").orElse(issuer() + "/protocol/openid-connect/revoke");
	}

	public String introspect() {
		return metadata.endpoint("introspection_endpoint").orElse(issuer() + "/protocol/openid-connect/token/introspect");
	}

	/** The SMART App Launch 2.x discovery document. */
	public Map<String, Object> smartConfiguration() {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("issuer", issuer());
		document.put("jwks_uri", jwks());
		document.put("authorization_endpoint", authorize());
		document.put("token_endpoint", token());
		document.put("revocation_endpoint", revoke());
		document.put("introspection_endpoint", introspect());
		document.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
		document.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
		document.put("response_types_supported", List.of("code"));
		document.put("code_challenge_methods_supported", List.of("S256"));
		document.put("scopes_supported", SCOPES);
		document.put("capabilities", CAPABILITIES);
		return document;
	}
}
