package org.dermconsent.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled whether requests must carry a SMART on FHIR access token
 * @param issuerUri the authorization server (Keycloak realm) whose tokens are accepted
 */
@ConfigurationProperties(prefix = "dermconsent.security")
public record SecurityProperties(@DefaultValue("false") boolean enabled, @DefaultValue("") String issuerUri) {}
