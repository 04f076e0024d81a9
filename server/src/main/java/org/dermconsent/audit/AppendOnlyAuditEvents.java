package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.EnumSet;
import java.util.Set;

/**
 * The accounting of disclosures cannot be rewritten: no client updates, patches, deletes or expunges an
 * AuditEvent, on any path. A top-level request is refused before it does anything; the storage hooks
 * refuse the same changes made by a transaction's or batch's entries, conditionally, or by an operation.
 * Only the server's own requests (storing the audit) may update an AuditEvent, as storing the same event
 * twice does.
 */
@Interceptor
public class AppendOnlyAuditEvents {

	private static final String AUDIT_EVENT = "AuditEvent";
	private static final Set<RestOperationTypeEnum> CHANGES =
			EnumSet.of(RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE,
					RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseChanges(RequestDetails request, RestOperationTypeEnum operation) {
		if (AUDIT_EVENT.equals(request.getResourceName()) && CHANGES.contains(operation)) {
			throw refusal();
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void refuseUpdate(IBaseResource previous, RequestDetails request) {
		refuseIfAuditEvent(previous, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void refuseDelete(IBaseResource deleted, RequestDetails request) {
		refuseIfAuditEvent(deleted, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE)
	public void refuseExpunge(IBaseResource expunged, RequestDetails request) {
		refuseIfAuditEvent(expunged, request);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING)
	public void refuseExpungeEverything(RequestDetails request) {
		if (!isTheServersOwn(request)) {
			throw refusal();
		}
	}

	@Hook(Pointcut.STORAGE_PRE_DELETE_EXPUNGE)
	public void refuseDeleteExpunge(RequestDetails request, String url) {
		if (url != null && url.startsWith(AUDIT_EVENT) && !isTheServersOwn(request)) {
			throw refusal();
		}
	}

	private static void refuseIfAuditEvent(IBaseResource resource, RequestDetails request) {
		if (resource != null && AUDIT_EVENT.equals(resource.fhirType()) && !isTheServersOwn(request)) {
			throw refusal();
		}
	}

	private static boolean isTheServersOwn(RequestDetails request) {
		return request == null || request instanceof SystemRequestDetails;
	}

	private static MethodNotAllowedException refusal() {
		return new MethodNotAllowedException("AuditEvents are append-only: they cannot be updated or deleted");
	}
}
