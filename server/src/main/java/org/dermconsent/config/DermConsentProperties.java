package org.dermconsent.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The few settings that are DermConsent's own; database and search backend use Spring's properties. */
@ConfigurationProperties(prefix = "dermconsent")
public record DermConsentProperties(@DefaultValue Server server) {

	/**
	 * @param canonicalBase base URL of DermConsent's canonical resources (profiles, terminology)
	 * @param publicBaseUrl the FHIR base URL clients see, when the server sits behind a proxy; blank
	 *     to derive it from each request
	 * @param defaultPageSize search page size when the client gives no {@code _count}
	 * @param maxPageSize the largest {@code _count} honoured
	 * @param maxRequestBytes the largest request body accepted (images included)
	 */
	public record Server(
			@DefaultValue("https://dermconsent.org/fhir") String canonicalBase,
			@DefaultValue("") String publicBaseUrl,
			@DefaultValue("20") int defaultPageSize,
			@DefaultValue("50") int maxPageSize,
			@DefaultValue("20971520") long maxRequestBytes) {}
}
