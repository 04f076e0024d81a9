package org.dermconsent.access;

import ca.uhn.fhir.model.api.BaseBatchJobParameters;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.access.RequestPurpose;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The access a batch job (a bulk export) was started with: the purpose and requesters its kickoff
 * request established, and the client that sent it (none with security off). It is kept in the job
 * parameters' user data, which HAPI serializes with the job and which no request parameter reaches;
 * the job's filters, which the client writes, are never read for it.
 *
 * <p>Encoded as {@code purpose=<code>&client=<id>&actor=<reference>...}, each value URL-encoded. A
 * value that does not decode to exactly that is no access at all (fail closed).
 */
public record JobAccess(ImageUse purpose, Set<String> actors, Optional<String> client) {

	static final String USER_DATA_KEY = "dermconsent-access";

	public JobAccess {
		Objects.requireNonNull(purpose, "purpose");
		if (purpose.isAbstract()) {
			throw new IllegalArgumentException("A job must serve a concrete use, not " + purpose.code());
		}
		actors = Set.copyOf(new TreeSet<>(actors));
		client = client.filter(id -> !id.isBlank());
	}

	/** The access of a REST request whose purpose was established (see {@link RequestPurpose}). */
	public static JobAccess of(RequestDetails request) {
		AccessRequest access = RequestPurpose.access(request);
		return new JobAccess(access.purpose(), access.actors(), RequestPurpose.client(request));
	}

	/** The access stored in {@code job} at kickoff, or empty if none (or none that decodes) is there. */
	public static Optional<JobAccess> of(BaseBatchJobParameters job) {
		Object stored = job == null ? null : job.getUserData().get(USER_DATA_KEY);
		return stored instanceof String encoded ? decode(encoded) : Optional.empty();
	}

	public void storeIn(BaseBatchJobParameters job) {
		job.setUserData(USER_DATA_KEY, encode());
	}

	/** The consent core's view of a request made with this access, now. */
	public AccessRequest now() {
		return new AccessRequest(purpose, actors, Instant.now());
	}

	/** Whether a request for {@code purpose} by {@code client} is the one this job's access belongs to. */
	public boolean belongsTo(ImageUse purpose, Optional<String> client) {
		return this.purpose == purpose && this.client.equals(client.filter(id -> !id.isBlank()));
	}

	public String encode() {
		StringBuilder encoded = new StringBuilder("purpose=").append(escape(purpose.code()));
		client.ifPresent(id -> encoded.append("&client=").append(escape(id)));
		new TreeSet<>(actors).forEach(actor -> encoded.append("&actor=").append(escape(actor)));
		return encoded.toString();
	}

	public static Optional<JobAccess> decode(String encoded) {
		ImageUse purpose = null;
		String client = null;
		Set<String> actors = new TreeSet<>();
		for (String field : encoded.split("&", -1)) {
			int equals = field.indexOf('=');
			if (equals <= 0) {
				return Optional.empty();
			}
			String value;
			try {
				value = URLDecoder.decode(field.substring(equals + 1), StandardCharsets.UTF_8);
			} catch (IllegalArgumentException e) {
				return Optional.empty();
			}
			switch (field.substring(0, equals)) {
				case "purpose" -> {
					Optional<ImageUse> use = ImageUse.find(value).filter(found -> !found.isAbstract());
					if (purpose != null || use.isEmpty()) {
						return Optional.empty();
					}
					purpose = use.get();
				}
				case "client" -> {
					if (client != null || value.isBlank()) {
						return Optional.empty();
					}
					client = value;
				}
				case "actor" -> actors.add(value);
				default -> {
					return Optional.empty();
				}
			}
		}
		return purpose == null ? Optional.empty() : Optional.of(new JobAccess(purpose, actors, Optional.ofNullable(client)));
	}

	private static String escape(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}
}
