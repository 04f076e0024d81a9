package org.dermconsent.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The disclosures a request has prepared but not yet sent: they are recorded only when its response
 * leaves, so that what a failed request showed its handlers (say, a transaction that created an image,
 * showed it, and was rolled back) is never recorded. Kept in the request's user data, which a
 * transaction's entries share with their Bundle's request.
 */
final class PendingDisclosures {

	private static final String KEY = PendingDisclosures.class.getName();

	private PendingDisclosures() {}

	static void add(RequestDetails request, List<Disclosure> disclosures) {
		Map<Object, Object> userData = request.getUserData();
		synchronized (userData) {
			@SuppressWarnings("unchecked")
			List<Disclosure> pending = (List<Disclosure>) userData.computeIfAbsent(KEY, key -> new ArrayList<Disclosure>());
			pending.addAll(disclosures);
		}
	}

	/** The request's pending disclosures, which are no longer pending. */
	static List<Disclosure> take(RequestDetails request) {
		Map<Object, Object> userData = request.getUserData();
		synchronized (userData) {
			@SuppressWarnings("unchecked")
			List<Disclosure> pending = (List<Disclosure>) userData.remove(KEY);
			return pending == null ? List.of() : pending;
		}
	}
}
