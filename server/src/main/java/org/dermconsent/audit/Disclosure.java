package org.dermconsent.audit;

import org.dermconsent.consent.ImageUse;

import java.time.Instant;
import java.util.List;

/**
 * Images (or their bytes) of one patient handed to a client in one response or export, for a purpose.
 *
 * @param resources {@code Media/1}, {@code Binary/2}, ...: what left the server, at least one
 * @param patient   the patient the images are of, or null if unknown
 * @param purpose   the purpose of the request
 * @param client    the client (token {@code azp}), or null with security off
 * @param user      the user or service account (token {@code sub}), or null
 * @param permitted whether the images were disclosed
 * @param at        when
 * @param query     the search that disclosed them (IHE BALP's query pattern), or null for a read, an
 *                  operation or an export
 */
public record Disclosure(List<String> resources, String patient, ImageUse purpose, String client, String user,
		boolean permitted, Instant at, Query query) {

	/**
	 * A search as BALP records it.
	 *
	 * @param interaction {@code search-type}, {@code search-system} (restful-interaction codes)
	 * @param text        the request as the client sent it, path and query string (a page of results
	 *                    is the search that started it: its paging link)
	 */
	public record Query(String interaction, String text) {}

	public Disclosure {
		resources = List.copyOf(resources);
		if (resources.isEmpty()) {
			throw new IllegalArgumentException("a disclosure names at least one resource");
		}
	}

	public Disclosure(List<String> resources, String patient, ImageUse purpose, String client, String user,
			boolean permitted, Instant at) {
		this(resources, patient, purpose, client, user, permitted, at, null);
	}
}
