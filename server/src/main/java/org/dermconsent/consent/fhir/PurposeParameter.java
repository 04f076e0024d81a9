package org.dermconsent.consent.fhir;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PrimitiveType;

import java.util.List;
import java.util.Optional;

/**
 * The {@code purpose} input of {@code $consent-decision}, which its OperationDefinition lets a client
 * send as a code, a string or a Coding. HAPI binds an operation parameter to one type only (a
 * Coding sent for a string parameter is a 400), so the operation reads this one itself: from the
 * query string of a GET ({@code code} or {@code system|code}), or from the posted Parameters.
 * The result is the text form that {@code PurposeResolver} reads, as in the X-Purpose-Of-Use header.
 */
final class PurposeParameter {

	static final String NAME = "purpose";

	private PurposeParameter() {}

	static Optional<String> of(RequestDetails request) {
		if (request.getRequestType() == RequestTypeEnum.GET) {
			String[] values = request.getParameters().get(NAME);
			if (values == null || values.length == 0) {
				return Optional.empty();
			}
			if (values.length > 1) {
				throw new InvalidRequestException(NAME + ": at most one value");
			}
			return nonBlank(values[0]);
		}
		if (!(request.getResource() instanceof Parameters parameters)) {
			return Optional.empty();
		}
		List<Parameters.ParametersParameterComponent> given = parameters.getParameter().stream()
				.filter(parameter -> NAME.equals(parameter.getName()))
				.toList();
		if (given.isEmpty()) {
			return Optional.empty();
		}
		if (given.size() > 1) {
			throw new InvalidRequestException(NAME + ": at most one value");
		}
		if (given.get(0).getValue() instanceof Coding coding) {
			if (!coding.hasCode()) {
				throw new InvalidRequestException(NAME + ": a Coding needs a code");
			}
			return Optional.of(coding.hasSystem() ? coding.getSystem() + "|" + coding.getCode() : coding.getCode());
		}
		if (given.get(0).getValue() instanceof PrimitiveType<?> primitive
				&& ("code".equals(primitive.fhirType()) || "string".equals(primitive.fhirType()))) {
			return nonBlank(primitive.getValueAsString());
		}
		throw new InvalidRequestException(NAME + " is a code, a string or a Coding");
	}

	private static Optional<String> nonBlank(String value) {
		return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
	}
}
