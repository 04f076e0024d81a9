package org.dermconsent.request;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Task;

/**
 * {@code POST /fhir/Task/{id}/$respond} with {@code decision} = {@code permit} | {@code deny} (DESIGN 11):
 * answers a consent request and returns it as answered. See {@link ConsentRequestAnswers}.
 */
public class RespondOperation {

	private final ConsentRequestAnswers answers;

	RespondOperation(ConsentRequestAnswers answers) {
		this.answers = answers;
	}

	@Operation(name = "$respond", type = Task.class, idempotent = false)
	public Task respond(@IdParam IdType taskId,
			@OperationParam(name = "decision", min = 1, max = 1) CodeType decision, RequestDetails request) {
		if (decision == null || decision.getValue() == null) {
			throw new InvalidRequestException("decision is required: permit or deny");
		}
		ConsentRequestAnswers.Decision answer = switch (decision.getValue()) {
			case "permit" -> ConsentRequestAnswers.Decision.PERMIT;
			case "deny" -> ConsentRequestAnswers.Decision.DENY;
			default -> throw new InvalidRequestException("decision is permit or deny, not '" + decision.getValue() + "'");
		};
		return answers.answer(taskId, answer, request);
	}
}
