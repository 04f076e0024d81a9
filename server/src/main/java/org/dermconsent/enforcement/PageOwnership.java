package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.consent.AccessRequest;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A search's further pages ({@code _getpages}) belong to the requester that made the search: the same
 * purpose, requesters (consent actors), client and user (DESIGN 6). A page shows results decided for
 * that requester and a {@code total} counted for it, so anyone else gets 403, and so does a page no
 * requester is known for (fail closed).
 *
 * <p>The owner of every paged result (search, {@code $everything}, history) is taken from the first
 * response that links to its pages, and kept in the database (table {@code DC_PAGE_OWNER}), so that
 * every node sharing it answers alike. Only a digest of the requester is kept. Rows outlive HAPI's
 * cached searches and are removed a day after they were made.
 */
public class PageOwnership {

	private static final Duration KEPT_FOR = Duration.ofDays(1);
	private static final Duration CLEANED_EVERY = Duration.ofMinutes(10);

	private final JdbcTemplate jdbc;
	private final AtomicReference<Instant> lastCleaned = new AtomicReference<>(Instant.EPOCH);

	public PageOwnership(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void createTableIfMissing() {
		jdbc.execute("CREATE TABLE IF NOT EXISTS DC_PAGE_OWNER (SEARCH_UUID VARCHAR(64) NOT NULL PRIMARY KEY,"
				+ " OWNER_DIGEST VARCHAR(64) NOT NULL, CREATED TIMESTAMP NOT NULL)");
	}

	/** Refuses (403) a further page to anyone but the requester that made its search. */
	public void refuseOthersPages(RequestDetails request) {
		String[] searchIds = request.getParameters().get(Constants.PARAM_PAGINGACTION);
		if (searchIds == null || searchIds.length != 1) {
			return; // HAPI refuses it
		}
		List<String> owners = jdbc.queryForList("SELECT OWNER_DIGEST FROM DC_PAGE_OWNER WHERE SEARCH_UUID = ?",
				String.class, searchIds[0]);
		if (owners.isEmpty() || !owners.get(0).equals(ownerOf(request))) {
			throw new ForbiddenOperationException(
					"These pages belong to the search that made them: the same purpose, client and user");
		}
	}

	/** Makes the requester of {@code request} the owner of the pages {@code bundle} links to. */
	public void claimPagesOf(Bundle bundle, RequestDetails request) {
		String owner = null;
		for (Bundle.BundleLinkComponent link : bundle.getLink()) {
			Optional<String> searchId = searchIdIn(link.getUrl());
			if (searchId.isEmpty()) {
				continue;
			}
			owner = owner == null ? ownerOf(request) : owner;
			try {
				jdbc.update("INSERT INTO DC_PAGE_OWNER (SEARCH_UUID, OWNER_DIGEST, CREATED) VALUES (?, ?, ?)",
						searchId.get(), owner, Timestamp.from(Instant.now()));
			} catch (DataIntegrityViolationException alreadyOwned) {
				// the first response claimed the pages; a page's own links name the same search
			}
		}
		if (owner != null) {
			removeOldOwners();
		}
	}

	private void removeOldOwners() {
		Instant now = Instant.now();
		Instant last = lastCleaned.get();
		if (last.plus(CLEANED_EVERY).isBefore(now) && lastCleaned.compareAndSet(last, now)) {
			jdbc.update("DELETE FROM DC_PAGE_OWNER WHERE CREATED < ?", Timestamp.from(now.minus(KEPT_FOR)));
		}
	}

	static Optional<String> searchIdIn(String url) {
		if (url == null || !url.contains(Constants.PARAM_PAGINGACTION + "=")) {
			return Optional.empty();
		}
		String query;
		try {
			query = URI.create(url).getRawQuery();
		} catch (IllegalArgumentException e) {
			return Optional.empty();
		}
		if (query == null) {
			return Optional.empty();
		}
		for (String parameter : query.split("&")) {
			if (parameter.startsWith(Constants.PARAM_PAGINGACTION + "=")) {
				return Optional.of(URLDecoder.decode(parameter.substring(Constants.PARAM_PAGINGACTION.length() + 1),
						StandardCharsets.UTF_8));
			}
		}
		return Optional.empty();
	}

	/** A digest of who asks and what for: purpose, consent actors, client and user. */
	private static String ownerOf(RequestDetails request) {
		AccessRequest access = RequestPurpose.access(request);
		StringBuilder owner = new StringBuilder("purpose=").append(access.purpose().code());
		new TreeSet<>(access.actors()).forEach(actor -> owner.append("\nactor=").append(actor));
		RequestPurpose.client(request).ifPresent(client -> owner.append("\nclient=").append(client));
		RequestPurpose.user(request).ifPresent(user -> owner.append("\nuser=").append(user));
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(owner.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
		}
	}
}
