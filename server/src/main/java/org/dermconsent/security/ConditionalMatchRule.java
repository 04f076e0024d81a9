package org.dermconsent.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.util.UrlUtil;
import org.dermconsent.security.SmartScope.Context;
import org.dermconsent.security.SmartScope.Permission;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The match of a conditional create, update, patch or delete is a search, and it answers like one:
 * no match, one match (a conditional create returns the resource found), or several (412 with their
 * count). HAPI's rules authorize only the resource written, so this rule authorizes the match as a
 * search with the token's scopes: some scope must allow searching the type, and a {@code patient/}
 * scope only criteria that keep the search inside its patient's compartment (a compartment search
 * parameter, or {@code _id} of a Patient, naming only that patient). Otherwise the request is denied
 * before anything is matched; when the match is allowed, the other rules still decide the write.
 */
final class ConditionalMatchRule implements IAuthRule {

	private static final Set<RestOperationTypeEnum> CONDITIONAL_WRITES = EnumSet.of(RestOperationTypeEnum.CREATE,
			RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);

	private final SmartToken token;

	ConditionalMatchRule(SmartToken token) {
		this.token = token;
	}

	@Override
	public String getName() {
		return "the match of a conditional write is a search this token may make";
	}

	@Override
	public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource inputResource,
			IIdType inputResourceId, IBaseResource outputResource, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
			Pointcut pointcut) {
		if (!CONDITIONAL_WRITES.contains(operation) || outputResource != null) {
			return null;
		}
		String conditionalUrl = request.getConditionalUrl(operation);
		if (conditionalUrl == null || conditionalUrl.isBlank()) {
			return null;
		}
		FhirContext fhir = request.getFhirContext();
		int question = conditionalUrl.indexOf('?');
		String named = question < 0 ? "" : conditionalUrl.substring(0, question);
		String query = question < 0 ? conditionalUrl : conditionalUrl.substring(question + 1);
		Optional<String> type = resourceType(fhir, named, request, inputResource, inputResourceId);
		if (type.isPresent() && maySearch(fhir, type.get(), UrlUtil.parseQueryString(query))) {
			return null;
		}
		return new Verdict(PolicyEnum.DENY, this);
	}

	private static Optional<String> resourceType(FhirContext fhir, String named, RequestDetails request,
			IBaseResource inputResource, IIdType inputResourceId) {
		String type = named.contains("/") ? named.substring(named.lastIndexOf('/') + 1) : named;
		if (type.isEmpty() && inputResource != null) {
			type = fhir.getResourceType(inputResource);
		}
		if (type.isEmpty() && inputResourceId != null && inputResourceId.hasResourceType()) {
			type = inputResourceId.getResourceType();
		}
		if (type.isEmpty() && request.getResourceName() != null) {
			type = request.getResourceName();
		}
		return fhir.getResourceTypes().contains(type) ? Optional.of(type) : Optional.empty();
	}

	private boolean maySearch(FhirContext fhir, String type, Map<String, String[]> criteria) {
		for (SmartScope scope : token.scopes()) {
			if (!scope.allows(Permission.SEARCH) || !scope.coversType(type)) {
				continue;
			}
			if (scope.context() != Context.PATIENT) {
				return true;
			}
			if (token.patient().isPresent() && insideCompartment(fhir, type, criteria, token.patient().get())) {
				return true;
			}
		}
		return false;
	}

	/** Criteria are ANDed: one that names only this patient keeps the whole search in the compartment. */
	private static boolean insideCompartment(FhirContext fhir, String type, Map<String, String[]> criteria,
			String patient) {
		if ("Patient".equals(type) && namesOnly(criteria.get("_id"), patient, false)) {
			return true;
		}
		RuntimeResourceDefinition definition = fhir.getResourceDefinition(type);
		for (RuntimeSearchParam parameter : definition.getSearchParamsForCompartmentName("Patient")) {
			if (namesOnly(criteria.get(parameter.getName()), patient, true)
					|| namesOnly(criteria.get(parameter.getName() + ":Patient"), patient, true)) {
				return true;
			}
		}
		return false;
	}

	/** Every value (and every one of comma-separated alternatives) is the patient, and there is one. */
	private static boolean namesOnly(String[] values, String patient, boolean asReference) {
		if (values == null || values.length == 0) {
			return false;
		}
		for (String value : values) {
			if (value == null || value.isEmpty() || value.contains("\\")) {
				return false;
			}
			for (String alternative : value.split(",", -1)) {
				boolean self = alternative.equals(patient) || (asReference && alternative.equals("Patient/" + patient));
				if (!self) {
					return false;
				}
			}
		}
		return true;
	}
}
