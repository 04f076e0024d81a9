package org.dermconsent.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.dermconsent.rest.FhirEndpointConfig;
import org.dermconsent.rest.OperationOutcomeWriter;
import org.dermconsent.rest.ServiceUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

import java.io.IOException;

/**
 * 401 and 403 from the token check, as OperationOutcomes with the Bearer challenge RFC 6750 asks for;
 * 503 with Retry-After when the identity provider could not be reached to check the token.
 */
public class FhirSecurityErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

	// refused before the FHIR endpoint sees them: the request log would otherwise never show them
	private static final Logger requestLog = LoggerFactory.getLogger(FhirEndpointConfig.REQUEST_LOG);

	private final OperationOutcomeWriter outcomes;
	private final String realm;

	public FhirSecurityErrors(OperationOutcomeWriter outcomes, String realm) {
		this.outcomes = outcomes;
		this.realm = realm;
	}

	@Override
	public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
			throws IOException {
		if (isIssuerOutage(failure)) {
			// the token may be valid: a 401 would tell the client to throw it away (DESIGN 9)
			String reason = "The identity provider cannot be reached to check the access token; try again later";
			logRefusal(request, HttpServletResponse.SC_SERVICE_UNAVAILABLE, reason);
			response.setHeader("Retry-After", ServiceUnavailable.RETRY_AFTER_SECONDS);
			outcomes.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "transient", reason);
			return;
		}
		boolean tokenSent = request.getHeader("Authorization") != null;
		String reason = tokenSent
				? "The access token was refused: " + failure.getMessage()
				: "An access token is required (Authorization: Bearer ...); see /fhir/.well-known/smart-configuration";
		logRefusal(request, HttpServletResponse.SC_UNAUTHORIZED, reason);
		response.setHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\""
				+ (tokenSent ? ", error=\"invalid_token\"" : ""));
		outcomes.write(response, HttpServletResponse.SC_UNAUTHORIZED, "login", reason);
	}

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
			throws IOException {
		logRefusal(request, HttpServletResponse.SC_FORBIDDEN, denied.getMessage());
		response.setHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\", error=\"insufficient_scope\"");
		outcomes.write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", denied.getMessage());
	}

	private static boolean isIssuerOutage(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof TokenValidation.IssuerUnavailableException) {
				return true;
			}
		}
		return false;
	}

	private static void logRefusal(HttpServletRequest request, int status, String reason) {
		String query = request.getQueryString() == null ? "" : "?" + request.getQueryString();
		requestLog.info("{} {}{} failed: {} {} remote={}", request.getMethod(), request.getRequestURL(), query, status, reason,
				request.getRemoteAddr());
	}
}
