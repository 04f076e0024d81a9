package org.dermconsent.vocabulary;

import ca.uhn.fhir.rest.api.server.RequestDetails;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Binary of this server a url (a Media's content.url) names, resolved as the server resolves
 * references: relative ({@code Binary/1}), versioned ({@code Binary/1/_history/2}), or absolute with
 * this server's base URL as the request reached it or with a base configured as local (HAPI's
 * treat-base-urls-as-local, which holds the canonical base). Anything else points elsewhere.
 */
public final class LocalBinaryUrl {

	private static final Pattern RELATIVE = Pattern.compile("Binary/([A-Za-z0-9\\-.]{1,64})(?:/_history/[A-Za-z0-9\\-.]{1,64})?");

	/** Any url whose last segments read as a Binary, in whatever form: what a reader might take for local bytes. */
	private static final Pattern LOOKS_LIKE_A_BINARY =
			Pattern.compile("(?:^|.*/)Binary/([A-Za-z0-9\\-.]{1,64})(?:/_history/[A-Za-z0-9\\-.]{1,64})?");

	private final Set<String> localBases;

	public LocalBinaryUrl(Set<String> localBases) {
		this.localBases = localBases == null ? Set.of() : Set.copyOf(localBases);
	}

	/** What a url names. */
	public sealed interface Resolution permits Local, Elsewhere, Unclear {}

	/** This server's {@code Binary/{id}}. */
	public record Local(String binaryId) implements Resolution {
		public String reference() {
			return "Binary/" + binaryId;
		}
	}

	/** Not this server's (another server, inline data, a placeholder never resolved). */
	public record Elsewhere() implements Resolution {}

	/** Relative, and reads like a Binary of this server, but not in a form references take: refused. */
	public record Unclear() implements Resolution {}

	public Resolution resolve(String url, RequestDetails request) {
		if (url == null || url.isBlank() || url.startsWith("urn:") || url.startsWith("#")) {
			return new Elsewhere();
		}
		String path = url;
		if (url.contains("://")) {
			Optional<String> local = afterLocalBase(url, request);
			if (local.isEmpty()) {
				return new Elsewhere();
			}
			path = local.get();
		}
		Matcher relative = RELATIVE.matcher(path);
		if (relative.matches()) {
			return new Local(relative.group(1));
		}
		return url.contains("://") || !path.contains("Binary") ? new Elsewhere() : new Unclear();
	}

	/**
	 * The id of the Binary a reader could take {@code url} for, whatever the base: wider than
	 * {@link #resolve} on purpose, for checks that must also cover the forms written before they existed.
	 */
	public static Optional<String> binaryIdIn(String url) {
		if (url == null) {
			return Optional.empty();
		}
		Matcher any = LOOKS_LIKE_A_BINARY.matcher(url);
		return any.matches() ? Optional.of(any.group(1)) : Optional.empty();
	}

	private Optional<String> afterLocalBase(String url, RequestDetails request) {
		String requestBase = baseOf(request);
		for (String base : requestBase == null ? localBases : union(localBases, requestBase)) {
			String prefix = base.endsWith("/") ? base : base + "/";
			if (url.startsWith(prefix)) {
				return Optional.of(url.substring(prefix.length()));
			}
		}
		return Optional.empty();
	}

	private static String baseOf(RequestDetails request) {
		try {
			return request == null ? null : request.getFhirServerBase();
		} catch (RuntimeException e) {
			return null; // an internal request that came through no server
		}
	}

	private static Set<String> union(Set<String> bases, String one) {
		java.util.Set<String> all = new java.util.HashSet<>(bases);
		all.add(one);
		return all;
	}
}
