package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a request that failed because the database could not be reached with 503 and
 * Retry-After instead of HAPI's 500: nothing is wrong with the request or the server's code.
 */
@Interceptor
public class OutageInterceptor {

	private static final Logger log = LoggerFactory.getLogger(OutageInterceptor.class);

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException outageIsUnavailable(Throwable failure) {
		if (failure instanceof ServiceUnavailableException || !ServiceUnavailable.isOutage(failure)) {
			return null;
		}
		log.warn("Answering 503: the database is unavailable ({})", rootMessage(failure));
		return new ServiceUnavailableException("The server cannot reach its database; try again later", failure);
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}
}
