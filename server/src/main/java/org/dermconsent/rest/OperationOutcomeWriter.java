package org.dermconsent.rest;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.io.IOException;

/** Writes an OperationOutcome response from code that runs outside HAPI's RestfulServer (servlet filters). */
public final class OperationOutcomeWriter {

	private final FhirContext fhirContext;

	public OperationOutcomeWriter(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	public static final String CONTENT_TYPE = "application/fhir+json;charset=UTF-8";

	public void write(HttpServletResponse response, int status, String issueCode, String message) throws IOException {
		response.setStatus(status);
		response.setContentType(CONTENT_TYPE);
		response.getWriter().write(json(issueCode, message));
		response.flushBuffer();
	}

	/** The OperationOutcome as JSON: one error issue. */
	public String json(String issueCode, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.fromCode(issueCode))
				.setDiagnostics(message);
		return fhirContext.newJsonParser().encodeResourceToString(outcome);
	}

	/** The FHIR issue type that best names an HTTP error status. */
	public static String issueCodeFor(int status) {
		return switch (status) {
			case 401 -> "login";
			case 403 -> "forbidden";
			case 404, 410 -> "not-found";
			case 405, 406, 415, 501 -> "not-supported";
			case 408, 504 -> "timeout";
			case 409, 412 -> "conflict";
			case 413, 414, 431 -> "too-long";
			case 429 -> "throttled";
			case 503 -> "transient";
			default -> status >= 500 ? "exception" : "invalid";
		};
	}
}
