package org.dermconsent.security;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import org.dermconsent.security.SmartScope.Context;
import org.dermconsent.security.SmartScope.Permission;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.QuestionnaireResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code QuestionnaireResponse/$extract} prepares a consent: it is for tokens that may create
 * Consents, and a patient-context token may prepare one only about its own patient (DESIGN 10).
 * HAPI's operation rules cannot see the posted response, so this rule reads its subject. What the
 * operation answers (the response and the consent it means, neither stored) is derived from what
 * the token was allowed to send, so it goes out once the request was allowed. A response without a
 * Patient subject is let through to the operation, which refuses it (422); the Bundle, once posted,
 * passes the ordinary create rules, entry by entry.
 */
final class ConsentCaptureRule implements IAuthRule {

	static final String OPERATION = "$extract";
	private static final String ALLOWED = ConsentCaptureRule.class.getName() + ".allowed";
	private static final String PARAMETER = "questionnaire-response";
	private static final Pattern PATIENT = Pattern.compile("^Patient/([A-Za-z0-9\\-.]{1,64})$");

	private final SmartToken token;

	ConsentCaptureRule(SmartToken token) {
		this.token = token;
	}

	@Override
	public String getName() {
		return "$extract of a consent questionnaire by a token that may create that patient's consents";
	}

	@Override
	public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource inputResource,
			IIdType inputResourceId, IBaseResource outputResource, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
			Pointcut pointcut) {
		if (operation != RestOperationTypeEnum.EXTENDED_OPERATION_TYPE || !OPERATION.equals(request.getOperation())
				|| !"QuestionnaireResponse".equals(request.getResourceName())) {
			return null;
		}
		if (outputResource != null) {
			return Boolean.TRUE.equals(request.getUserData().get(ALLOWED)) ? new Verdict(PolicyEnum.ALLOW, this) : null;
		}
		List<Optional<String>> subjects = subjectPatients(inputResource);
		boolean allowed = token.scopes().stream()
				.filter(scope -> scope.coversType("Consent") && scope.allows(Permission.CREATE))
				.anyMatch(scope -> scope.context() != Context.PATIENT || (token.patient().isPresent()
						&& subjects.stream().allMatch(subject -> subject.map(token.patient().get()::equals).orElse(true))));
		if (!allowed) {
			return null; // the rules after this one deny it
		}
		request.getUserData().put(ALLOWED, Boolean.TRUE);
		return new Verdict(PolicyEnum.ALLOW, this);
	}

	/**
	 * For each posted response (the body, or every questionnaire-response parameter, whichever the
	 * operation takes), the id of the Patient it is about when it names one the way the operation
	 * accepts.
	 */
	private static List<Optional<String>> subjectPatients(IBaseResource body) {
		List<QuestionnaireResponse> responses = new ArrayList<>();
		if (body instanceof QuestionnaireResponse posted) {
			responses.add(posted);
		} else if (body instanceof Parameters parameters) {
			parameters.getParameter().stream()
					.filter(parameter -> PARAMETER.equals(parameter.getName()))
					.map(Parameters.ParametersParameterComponent::getResource)
					.filter(QuestionnaireResponse.class::isInstance).map(QuestionnaireResponse.class::cast)
					.forEach(responses::add);
		}
		return responses.stream().map(response -> {
			String reference = response.getSubject().getReference();
			Matcher patient = reference == null ? null : PATIENT.matcher(reference);
			return patient != null && patient.matches() ? Optional.of(patient.group(1)) : Optional.<String>empty();
		}).toList();
	}
}
