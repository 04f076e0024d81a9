package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.consent.ImageUse;

/**
 * {@code $get-resource-counts} counts every stored resource of each type, whatever any consent says:
 * for a secondary use it would tell how many images (and image bytes, and consents) exist beyond those
 * the request may see. It is for clinical care only (403 otherwise).
 */
@Interceptor
public class ResourceCountRefusal {

	static final String OPERATION = "$get-resource-counts";

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuse(RequestDetails request) {
		if (OPERATION.equals(request.getOperation()) && RequestPurpose.of(request) != ImageUse.CLINICAL_CARE) {
			throw new ForbiddenOperationException(OPERATION + " counts resources regardless of consent and is served"
					+ " for clinical-care only; for " + RequestPurpose.of(request).code() + ", search with _summary=count");
		}
	}
}
