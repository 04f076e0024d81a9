package org.dermconsent.rest;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Every error the servlet container or Spring answers outside HAPI (a URL the firewall refuses, an
 * unknown path, an exception from a filter) is an OperationOutcome with the error's own status,
 * in place of Spring Boot's JSON error body. An unavailable database or identity provider is 503.
 */
@Controller
public class ContainerErrorController implements ErrorController {

	private static final Logger log = LoggerFactory.getLogger(ContainerErrorController.class);

	private final OperationOutcomeWriter outcomes;

	public ContainerErrorController(FhirContext fhirContext) {
		this.outcomes = new OperationOutcomeWriter(fhirContext);
	}

	@RequestMapping("${server.error.path:${error.path:/error}}")
	public ResponseEntity<String> error(HttpServletRequest request) {
		Throwable failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
		Object path = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.CONTENT_TYPE, OperationOutcomeWriter.CONTENT_TYPE);
		if (failure != null && ServiceUnavailable.isOutage(failure)) {
			log.warn("Answering 503 for {}: {}", path, failure.toString());
			headers.set(HttpHeaders.RETRY_AFTER, ServiceUnavailable.RETRY_AFTER_SECONDS);
			return answer(ServiceUnavailableException.STATUS_CODE, headers,
					"A service the server depends on is unavailable; try again later");
		}
		int status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code && code >= 400
				? code : 500;
		if (status >= 500) {
			log.error("Request to {} failed with {}", path, status, failure);
		}
		String message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE) instanceof String m ? m : "";
		if (message.isBlank() || status >= 500) {
			// a server error's message may tell internals: the client gets the status' reason
			HttpStatus known = HttpStatus.resolve(status);
			message = known != null ? known.getReasonPhrase() : "Error " + status;
		}
		return answer(status, headers, message);
	}

	private ResponseEntity<String> answer(int status, HttpHeaders headers, String message) {
		return ResponseEntity.status(status).headers(headers)
				.body(outcomes.json(OperationOutcomeWriter.issueCodeFor(status), message));
	}
}
