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

	public void write(HttpServletResponse response, int status, String issueCode, String message) throws IOException {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue()
				.setSeverity(OperationOutcome.IssueSeverity.ERROR)
				.setCode(OperationOutcome.IssueType.fromCode(issueCode))
				.setDiagnostics(message);
		response.setStatus(status);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.getWriter().write(fhirContext.newJsonParser().encodeResourceToString(outcome));
		response.flushBuffer();
	}
}
