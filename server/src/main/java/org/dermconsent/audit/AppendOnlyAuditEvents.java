package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;

import java.util.EnumSet;
import java.util.Set;

/** The accounting of disclosures cannot be rewritten: no client updates, patches or deletes an AuditEvent. */
@Interceptor
public class AppendOnlyAuditEvents {

	private static final Set<RestOperationTypeEnum> CHANGES =
			EnumSet.of(RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseChanges(RequestDetails request, RestOperationTypeEnum operation) {
		if ("AuditEvent".equals(request.getResourceName()) && CHANGES.contains(operation)) {
			throw new MethodNotAllowedException("AuditEvents are append-only: they cannot be updated or deleted");
		}
	}
}
