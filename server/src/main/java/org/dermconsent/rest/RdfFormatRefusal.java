package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Answers a request for FHIR's RDF (Turtle) format with 406 and an RDF request body with 415.
 *
 * <p>The server speaks JSON and XML: HAPI's Turtle support needs Apache Jena, which the server does not
 * ship (a thousand classes and a parser of untrusted input for a format no client of ours uses). HAPI
 * leaves RDF out of the CapabilityStatement by itself, but would still pick it for {@code _format=ttl}
 * or {@code Accept: text/turtle} and then fail with a 500. The refusal is written here, in JSON,
 * because HAPI would write its own error in the format the request negotiated.
 */
@Interceptor
public class RdfFormatRefusal {

	private static final String SUPPORTED =
			"this server reads and writes FHIR JSON (application/fhir+json) and XML (application/fhir+xml) only";

	private final OperationOutcomeWriter outcomes;

	public RdfFormatRefusal(OperationOutcomeWriter outcomes) {
		this.outcomes = outcomes;
	}

	/** Returns false, having answered, when the request is in or asks for RDF. */
	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -1100)
	public boolean refuseRdf(RequestDetails request, HttpServletResponse response) throws IOException {
		if (RequestBodyTextInterceptor.hasBody(request) && EncodingEnum.forContentType(request.getHeader(Constants.HEADER_CONTENT_TYPE)) == EncodingEnum.RDF) {
			refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "The request body is RDF (Turtle); " + SUPPORTED);
			return false;
		}
		ResponseEncoding negotiated = RestfulServerUtils.determineResponseEncodingNoDefault(request, null);
		if (negotiated != null && negotiated.getEncoding() == EncodingEnum.RDF) {
			refuse(response, HttpServletResponse.SC_NOT_ACCEPTABLE, "RDF (Turtle) was asked for (_format or Accept); " + SUPPORTED);
			return false;
		}
		return true;
	}

	private void refuse(HttpServletResponse response, int status, String message) throws IOException {
		outcomes.write(response, status, OperationOutcomeWriter.issueCodeFor(status), message);
	}
}
