package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An operation POSTed with an empty body is invoked as with no parameters in the body, whatever
 * Content-Type the client declared: client libraries send {@code application/json} with every POST,
 * and HAPI would try to parse the nothing as a Parameters resource (400). HAPI already accepts an
 * empty body without a Content-Type, so the declared type of an empty body is dropped.
 */
@Interceptor
public class EmptyOperationBody {

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void ignoreTheTypeOfNothing(RequestDetails request) {
		if (request.getRequestType() != RequestTypeEnum.POST || request.getOperation() == null
				|| !request.getOperation().startsWith("$") || request.getHeader(Constants.HEADER_CONTENT_TYPE) == null) {
			return;
		}
		byte[] body = request.loadRequestContents();
		if (body == null || new String(body, StandardCharsets.ISO_8859_1).isBlank()) {
			request.setHeaders(Constants.HEADER_CONTENT_TYPE, List.of());
		}
	}
}
