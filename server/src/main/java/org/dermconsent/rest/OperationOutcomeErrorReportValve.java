package org.dermconsent.rest;

import ca.uhn.fhir.context.FhirContext;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat's own error answer (to a request it refuses before any servlet or filter sees it: a header
 * too large, a URI it cannot decode) as an OperationOutcome with the same status, in place of
 * Tomcat's HTML page. Errors inside the application go to {@link ContainerErrorController} instead.
 */
public class OperationOutcomeErrorReportValve extends ErrorReportValve {

	private final OperationOutcomeWriter outcomes = new OperationOutcomeWriter(FhirContext.forR4Cached());

	@Override
	protected void report(Request request, Response response, Throwable failure) {
		int status = response.getStatus();
		if (status < 400 || response.getContentWritten() > 0) {
			return;
		}
		AtomicBoolean ioAllowed = new AtomicBoolean(false);
		response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
		if (!ioAllowed.get() || !response.setErrorReported()) {
			return;
		}
		String message = response.getMessage();
		if (message == null || message.isBlank() || status >= 500) {
			message = "The server refused the request (HTTP " + status + ")";
		}
		try {
			response.setContentType(OperationOutcomeWriter.CONTENT_TYPE);
			PrintWriter writer = response.getReporter();
			if (writer != null) {
				writer.write(outcomes.json(OperationOutcomeWriter.issueCodeFor(status), message));
				response.finishResponse();
			}
		} catch (IOException | IllegalStateException e) {
			// the connection is gone or the response was committed meanwhile: nothing more can be said
		}
	}
}
