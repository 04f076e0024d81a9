package org.dermconsent.capture;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

/**
 * {@code POST QuestionnaireResponse/$extract} (SDC definition-free extraction, for
 * {@code Questionnaire/derm-image-consent} only): answers the transaction Bundle that stores the
 * response and the Consent it means. Nothing is stored here: the client reads the consent it is
 * about to give and posts the Bundle, where profile validation, rights and consent enforcement
 * apply as to any write.
 */
public class ConsentCaptureOperation {

	static final String RESPONSE_PARAMETER = "questionnaire-response";

	private final ConsentCapture capture;

	public ConsentCaptureOperation(ConsentCapture capture) {
		this.capture = capture;
	}

	/** The response comes as the body itself or as the {@code questionnaire-response} parameter of a Parameters body. */
	@Operation(name = "$extract", type = QuestionnaireResponse.class, idempotent = false)
	public Bundle extract(@OperationParam(name = RESPONSE_PARAMETER, min = 0, max = 1, type = QuestionnaireResponse.class)
			QuestionnaireResponse response, RequestDetails request) {
		// HAPI hands over the first of several; which one is meant is not for the server to guess
		if (request.getResource() instanceof Parameters parameters
				&& parameters.getParameter().stream().filter(p -> RESPONSE_PARAMETER.equals(p.getName())).count() > 1) {
			throw new UnprocessableEntityException("Expected one '" + RESPONSE_PARAMETER + "' parameter, got several");
		}
		return capture.extract(response);
	}
}
