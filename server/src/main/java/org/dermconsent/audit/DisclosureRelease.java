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
 * Releases a request's pending disclosures ({@link PendingDisclosures}) to the audit journal. Before
 * a successful response is written, when the disclosure pipeline says it leaves
 * ({@link DisclosureRecorder#leaving}): if they cannot be journaled the response does not go out, the
 * request fails with 503 instead (fail closed). HAPI does not get there for a failed response, so what
 * a failed request showed is never recorded. SERVER_PROCESSING_COMPLETED_NORMALLY catches what a
 * handler that writes its own response (and so skips SERVER_OUTGOING_RESPONSE) disclosed: late, after
 * the bytes, but recorded.
 */
@Interceptor
public class DisclosureRelease {

	private static final Logger log = LoggerFactory.getLogger(DisclosureRelease.class);

	private final AuditTrail trail;

	public DisclosureRelease(AuditTrail trail) {
		this.trail = trail;
	}

	static void recordBeforeResponding(AuditTrail trail, RequestDetails request) {
		List<Disclosure> disclosures = PendingDisclosures.take(request);
		try {
			trail.record(disclosures);
		} catch (RuntimeException e) {
			throw new ServiceUnavailableException(
					"The images could not be recorded in the disclosure audit, so they are not sent; try again later", e);
		}
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
