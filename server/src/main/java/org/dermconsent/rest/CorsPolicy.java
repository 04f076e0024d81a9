package org.dermconsent.rest;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

import java.time.Duration;
import java.util.List;

/**
 * Which browser apps may call the server and what their scripts may read (DESIGN 9). Access tokens
 * travel in the Authorization header, never in cookies, so credentials are not allowed: an origin
 * that is let in still needs a token of its own.
 */
public final class CorsPolicy {

	/** What a FHIR client reads besides the body: where a created resource is, its version, an export's progress. */
	static final List<String> EXPOSED_HEADERS = List.of("Location", "Content-Location", "ETag", "Last-Modified",
			"X-Progress", "Retry-After", "WWW-Authenticate");

	private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

	private CorsPolicy() {}

	/**
	 * The filter that answers preflights itself, before any token is asked for, and marks allowed
	 * responses; a refused origin gets a 403 OperationOutcome.
	 */
	public static CorsFilter filter(CorsProperties properties, OperationOutcomeWriter outcomes) {
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOriginPatterns(properties.allowedOrigins().stream()
				.map(String::trim).filter(origin -> !origin.isEmpty()).map(CorsPolicy::anyPort).toList());
		configuration.setAllowedMethods(METHODS);
		configuration.addAllowedHeader(CorsConfiguration.ALL);
		configuration.setExposedHeaders(EXPOSED_HEADERS);
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(Duration.ofMinutes(30));
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration("/**", configuration);
		CorsFilter filter = new CorsFilter(source);
		filter.setCorsProcessor(new CorsRefusal(outcomes));
		return filter;
	}

	/**
	 * {@code http://localhost:*} means any port of that host. Spring would read the trailing {@code *}
	 * as any text, which also matches {@code http://localhost:1.evil.example}; its port-list form
	 * {@code :[*]} matches digits only.
	 */
	private static String anyPort(String origin) {
		return origin.endsWith(":*") ? origin.substring(0, origin.length() - 1) + "[*]" : origin;
	}
}
