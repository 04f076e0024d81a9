package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.InvalidPurposeException;
import org.dermconsent.consent.PurposeResolver;

/**
 * The purpose a request serves, from its {@code X-Purpose-Of-Use} header: an image-use code or a
 * mapped v3 PurposeOfUse code, bare or as {@code system|code}. Without the header a request is for
 * clinical care. A purpose the server does not know is a client error, answered before anything runs.
 */
@Interceptor
public class RequestPurpose {

	public static final String HEADER = "X-Purpose-Of-Use";
	private static final String USER_DATA_KEY = RequestPurpose.class.getName();

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void resolve(RequestDetails request) {
		String header = request.getHeader(HEADER);
		ImageUse purpose;
		if (header == null) {
			purpose = ImageUse.CLINICAL_CARE;
		} else {
			try {
				purpose = PurposeResolver.resolveRequested(header.trim());
			} catch (InvalidPurposeException e) {
				throw new InvalidRequestException(HEADER + ": " + e.getMessage());
			}
		}
		request.getUserData().put(USER_DATA_KEY, purpose);
	}

	/**
	 * The purpose of a request. Batch and transaction entries are sub-requests that never passed
	 * {@link #resolve}; they carry their parent's headers and are resolved here on first use.
	 */
	public static ImageUse of(RequestDetails request) {
		if (!request.getUserData().containsKey(USER_DATA_KEY)) {
			new RequestPurpose().resolve(request);
		}
		return (ImageUse) request.getUserData().get(USER_DATA_KEY);
	}
}
