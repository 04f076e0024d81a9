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
import org.dermconsent.vocabulary.ConsentRequests;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Task;

import java.util.Set;

/**
 * A patient reads the consent requests addressed to them (DESIGN 11). R4 puts Task in no Patient
 * compartment, so {@code patient/Task.rs} grants nothing through HAPI's compartment rules; this rule
 * lets a patient-context token with such a scope search Tasks {@code for} its own patient (the search
 * is narrowed to that patient in the query, see the request feature's own-requests search) and read a
 * consent request or expiry reminder whose {@code for} is that patient. Every Task it shows is checked again on the way
 * out; anything else is left to the rules after it (which deny).
 */
final class PatientConsentRequestRule implements IAuthRule {

	private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.SEARCH_TYPE);

	private final SmartToken token;

	PatientConsentRequestRule(SmartToken token) {
		this.token = token;
	}

	@Override
	public String getName() {
		return "a patient's consent requests, read by a patient-context token that may read Tasks";
	}

	@Override
	public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource inputResource,
			IIdType inputResourceId, IBaseResource outputResource, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
			Pointcut pointcut) {
		if (!READS.contains(operation) || !"Task".equals(request.getResourceName()) || token.patient().isEmpty()
				|| token.scopes().stream().noneMatch(scope -> scope.context() == Context.PATIENT && scope.coversType("Task")
						&& (scope.allows(Permission.READ) || scope.allows(Permission.SEARCH)))) {
			return null;
		}
		String patient = "Patient/" + token.patient().get();
		if (outputResource == null) {
			// before the search or read runs: a read is judged by what it finds; a search must name the patient
			return operation != RestOperationTypeEnum.SEARCH_TYPE || namesOnly(request, patient)
					? new Verdict(PolicyEnum.ALLOW, this) : null;
		}
		return outputResource instanceof Task task && (ConsentRequests.isConsentRequest(task) || ConsentRequests.isExpiryReminder(task))
				&& ConsentRequests.patient(task).filter(patient::equals).isPresent() ? new Verdict(PolicyEnum.ALLOW, this) : null;
	}

	/** Whether the search's {@code for} (or {@code patient}) is exactly the token's patient. */
	private static boolean namesOnly(RequestDetails request, String patient) {
		for (String parameter : new String[] {"for", "patient"}) {
			String[] values = request.getParameters().get(parameter);
			if (values != null && values.length == 1
					&& (patient.equals(values[0]) || patient.substring("Patient/".length()).equals(values[0]))) {
				return true;
			}
		}
		return false;
	}
}
