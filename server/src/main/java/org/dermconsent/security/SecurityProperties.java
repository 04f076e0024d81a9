package org.dermconsent.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled   whether requests must carry a SMART on FHIR access token
 * @param issuerUri the authorization server (Keycloak realm) whose tokens are accepted, e.g.
 *                  {@code https://keycloak.example.org/realms/dermconsent}
 * @param audience  the audience ({@code aud}) every accepted token must name
 */
@ConfigurationProperties(prefix = "dermconsent.security")
public record SecurityProperties(
		@DefaultValue("false") boolean enabled,
		@DefaultValue("") String issuerUri,
		@DefaultValue("dermconsent-fhir") String audience) {}
