package org.dermconsent.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The issuer's own OpenID Provider metadata ({@code <issuer>/.well-known/openid-configuration}), where
 * it says which endpoints it has. Fetched when first needed (the server starts while the issuer is
 * down), with a short timeout since a request may be waiting; kept for an hour once fetched, and asked
 * for again a minute after a failure, so an issuer that is down slows no more than one request a minute.
 */
public class IssuerMetadata {

	private static final Logger log = LoggerFactory.getLogger(IssuerMetadata.class);
	private static final Duration TIMEOUT = Duration.ofSeconds(3);
	private static final Duration KEEP = Duration.ofHours(1);
	private static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

	private final String issuer;
	private final HttpClient http =
			HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
	private final Clock clock = Clock.systemUTC();
	private final ObjectMapper json = new ObjectMapper();
	private final AtomicBoolean fallbackReported = new AtomicBoolean();

	private JsonNode document;
	private Instant nextFetch = Instant.MIN;

	public IssuerMetadata(String issuer) {
		this.issuer = issuer;
	}

	public String issuer() {
		return issuer;
	}

	/** An endpoint the issuer publishes ({@code token_endpoint}, ...), if its metadata could be fetched and names one. */
	public synchronized Optional<String> endpoint(String name) {
		if (!clock.instant().isBefore(nextFetch)) {
			fetch();
		}
		JsonNode value = document == null ? null : document.get(name);
		return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
	}

	private void fetch() {
		String location = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
		try {
			HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(location)).timeout(TIMEOUT)
					.header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("HTTP " + response.statusCode());
			}
			JsonNode fetched = json.readTree(response.body());
			// OpenID Connect Discovery 4.3: metadata naming another issuer must not be used
			if (fetched == null || !issuer.equals(fetched.path("issuer").asText())) {
				throw new IllegalStateException("its issuer is " + (fetched == null ? "missing" : fetched.path("issuer")));
			}
			document = fetched;
			nextFetch = clock.instant().plus(KEEP);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			failed(location, e);
		} catch (Exception e) {
			failed(location, e);
		}
	}

	private void failed(String location, Exception failure) {
		nextFetch = clock.instant().plus(RETRY_AFTER_FAILURE);
		if (document != null) {
			return; // the last metadata fetched stays in use
		}
		String message = "The issuer's OpenID metadata could not be fetched from {} ({}): SMART clients are sent to"
				+ " Keycloak's endpoint paths under the issuer until it can be";
		if (fallbackReported.compareAndSet(false, true)) {
			log.warn(message, location, failure.toString());
		} else {
			log.debug(message, location, failure.toString());
		}
	}
}
