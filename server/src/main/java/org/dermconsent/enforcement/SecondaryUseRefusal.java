package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.consent.ImageUse;

/**
 * Requests that, for a purpose other than clinical care, would put a pseudonymized image next to its
 * identifiable patient are refused (403) before they run (DESIGN 12):
 * <ul>
 *   <li>{@code $everything} (of a Patient, or of any type): it answers the patient's own record
 *   together with their images; a pseudonymous Patient would not help, since the request names the
 *   patient's real id. Research platforms use bulk export, whose patients are pseudonyms.</li>
 *   <li>AuditEvents (reads, searches, history, operations): each names the images disclosed and their
 *   patient, and what others were shown is not the business of a research client. Patients read
 *   their own AuditEvents for their own care (clinical-care).</li>
 * </ul>
 * The disclosure guard also keeps AuditEvents out of every other result for these purposes
 * (includes, system history, batch entries).
 */
@Interceptor
public class SecondaryUseRefusal {

	static final String EVERYTHING = "$everything";
	static final String AUDIT_EVENT = "AuditEvent";

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuse(RequestDetails request) {
		ImageUse purpose = RequestPurpose.of(request);
		if (purpose == ImageUse.CLINICAL_CARE) {
			return;
		}
		if (EVERYTHING.equals(request.getOperation())) {
			throw new ForbiddenOperationException(EVERYTHING + " is served for clinical-care only: for "
					+ purpose.code() + " it would link images to their patient. Use $export (pseudonymous patients).");
		}
		if (AUDIT_EVENT.equals(request.getResourceName())) {
			throw new ForbiddenOperationException("AuditEvents are served for clinical-care only (a patient's own"
					+ " record): for " + purpose.code() + " they would link images to their patient.");
		}
	}
}
