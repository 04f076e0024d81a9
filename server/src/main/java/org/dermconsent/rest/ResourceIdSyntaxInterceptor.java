package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.instance.model.api.IIdType;

import java.util.regex.Pattern;

/**
 * Answers a malformed resource id with 400 instead of letting it reach the database as a lookup
 * that can only say 404: the client made a mistake, the resource did not go missing.
 */
@Interceptor
public class ResourceIdSyntaxInterceptor {

	/** FHIR R4 id datatype: 1 to 64 of A-Z, a-z, 0-9, '-' and '.'. */
	private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void rejectMalformedId(RequestDetails request) {
		IIdType id = request.getId();
		if (id != null && id.hasIdPart() && !FHIR_ID.matcher(id.getIdPart()).matches()) {
			throw new InvalidRequestException("Invalid resource id '" + id.getIdPart()
					+ "': an id is 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'");
		}
	}
}
