package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Records a request's disclosures durably when its response succeeds, before the response is
 * written: HAPI calls SERVER_OUTGOING_RESPONSE just before it serialises a successful response (and
 * not for a failed one, nor for a transaction's entries). SERVER_PROCESSING_COMPLETED_NORMALLY
 * catches what a handler that writes its own response (and so skips the first hook) disclosed: late,
 * after the bytes, but recorded.
 */
@Interceptor
public class DisclosureRelease {

	private final AuditTrail trail;

	public DisclosureRelease(AuditTrail trail) {
		this.trail = trail;
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean recordBeforeResponding(RequestDetails request) {
		if (!request.isSubRequest()) {
			trail.record(PendingDisclosures.take(request));
		}
		return true;
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
	public void recordWhatIsLeft(RequestDetails request) {
		trail.record(PendingDisclosures.take(request));
	}
}
