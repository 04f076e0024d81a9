package org.dermconsent.vocabulary;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;

/**
 * The marker on the server's own writes of grant labels (the grant index's {@code $meta-add} and
 * {@code $meta-delete}): they are not client writes, so the hooks that guard client writes (label
 * dropping, profile validation, re-indexing) leave them alone.
 */
public final class GrantLabelWrites {

	private static final String MARKER = GrantLabelWrites.class.getName();

	private GrantLabelWrites() {}

	/** A request for the server's own label write. */
	public static SystemRequestDetails newRequest() {
		SystemRequestDetails request = new SystemRequestDetails();
		request.getUserData().put(MARKER, Boolean.TRUE);
		return request;
	}

	public static boolean isGrantLabelWrite(RequestDetails request) {
		return request != null && request.getUserData().containsKey(MARKER);
	}
}
