package org.dermconsent.rest;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;

/** 503: the request may succeed later; HAPI answers it with an OperationOutcome and Retry-After. */
public class ServiceUnavailableException extends BaseServerResponseException {

	public static final int STATUS_CODE = 503;

	public ServiceUnavailableException(String message, Throwable cause) {
		super(STATUS_CODE, message, cause);
		addResponseHeader("Retry-After", ServiceUnavailable.RETRY_AFTER_SECONDS);
	}
}
