package org.dermconsent.rest;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.lang.Nullable;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.DefaultCorsProcessor;

import java.io.IOException;

/**
 * Spring's CORS checks, with a refusal that is a FHIR OperationOutcome and a line in the request log
 * (a client error, so not logged as an error).
 */
class CorsRefusal extends DefaultCorsProcessor {

	private static final Logger requestLog = LoggerFactory.getLogger(FhirEndpointConfig.REQUEST_LOG);

	private final OperationOutcomeWriter outcomes;

	CorsRefusal(OperationOutcomeWriter outcomes) {
		this.outcomes = outcomes;
	}

	@Override
	public boolean processRequest(@Nullable CorsConfiguration configuration, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		boolean allowed = super.processRequest(configuration, request, response);
		if (!allowed) {
			requestLog.info("{} {} failed: 403 origin {} is not allowed (dermconsent.cors.allowed-origins) remote={}",
					request.getMethod(), request.getRequestURL(), request.getHeader("Origin"), request.getRemoteAddr());
		}
		return allowed;
	}

	@Override
	protected void rejectRequest(ServerHttpResponse response) throws IOException {
		HttpServletResponse servletResponse = ((ServletServerHttpResponse) response).getServletResponse();
		outcomes.write(servletResponse, HttpServletResponse.SC_FORBIDDEN, "forbidden",
				"This origin may not call the server from a browser (CORS); the server's dermconsent.cors.allowed-origins"
						+ " lists the origins that may");
	}
}
