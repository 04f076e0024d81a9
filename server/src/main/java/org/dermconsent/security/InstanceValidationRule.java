package org.dermconsent.security;

import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationFlagsEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor.Verdict;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

import java.util.Set;

/**
 * {@code $validate} on an instance answers with messages about the stored resource, and with 404
 * when there is none: it tells what a read would tell, so it is authorized as a read. The request
 * passes as a read of that id would; the stored resource, when the server loads it to validate it,
 * must pass the read rules; and the validation outcome goes out only once it has.
 */
final class InstanceValidationRule implements IAuthRule {

	static final String OPERATION = "$validate";
	private static final String INSTANCE_READ = InstanceValidationRule.class.getName() + ".instanceRead";

	@Override
	public String getName() {
		return "$validate of an instance needs the right to read it";
	}

	@Override
	public Verdict applyRule(RestOperationTypeEnum operation, RequestDetails request, IBaseResource inputResource,
			IIdType inputResourceId, IBaseResource outputResource, IRuleApplier applier, Set<AuthorizationFlagsEnum> flags,
			Pointcut pointcut) {
		if (operation != RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE || !OPERATION.equals(request.getOperation())) {
			return null;
		}
		if (outputResource == null) {
			return applier.applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null, request.getId(), null,
					pointcut);
		}
		if (outputResource instanceof IBaseOperationOutcome && pointcut == Pointcut.SERVER_OUTGOING_RESPONSE) {
			boolean instanceRead = Boolean.TRUE.equals(request.getUserData().get(INSTANCE_READ));
			return new Verdict(instanceRead ? PolicyEnum.ALLOW : PolicyEnum.DENY, this);
		}
		Verdict read = applier.applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null, null,
				outputResource, pointcut);
		if (read.getDecision() == PolicyEnum.ALLOW) {
			request.getUserData().put(INSTANCE_READ, Boolean.TRUE);
		}
		return read;
	}
}
