package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.rest.ServiceUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Records a request's disclosures durably when its response succeeds, before the response is
 * written: HAPI calls SERVER_OUTGOING_RESPONSE just before it serialises a successful response (and
 * not for a failed one, nor for a transaction's entries). If they cannot be recorded the response
 * does not go out: the request fails with 503 instead (fail closed).
 * SERVER_PROCESSING_COMPLETED_NORMALLY catches what a handler that writes its own response (and so
 * skips the first hook) disclosed: late, after the bytes, but recorded.
 */
@Interceptor
public class DisclosureRelease {

	private static final Logger log = LoggerFactory.getLogger(DisclosureRelease.class);

	private final AuditTrail trail;

	public DisclosureRelease(AuditTrail trail) {
		this.trail = trail;
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean recordBeforeResponding(RequestDetails request) {
		if (request.isSubRequest()) {
			return true;
		}
		List<Disclosure> disclosures = PendingDisclosures.take(request);
		try {
			trail.record(disclosures);
		} catch (RuntimeException e) {
			throw new ServiceUnavailableException(
					"The images could not be recorded in the disclosure audit, so they are not sent; try again later", e);
		}
		return true;
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
	public void recordWhatIsLeft(RequestDetails request) {
		List<Disclosure> disclosures = PendingDisclosures.take(request);
		try {
			trail.record(disclosures);
		} catch (RuntimeException e) {
			log.error("{} disclosures already sent could not be recorded in the audit: {}", disclosures.size(), e.toString());
		}
	}
}
