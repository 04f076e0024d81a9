package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;

import java.util.Set;

/**
 * An update or patch whose {@code If-Match} names a version that is no longer current is 412
 * Precondition Failed, as FHIR's version-aware updates and HTTP say (DESIGN 9); HAPI answers 409
 * Conflict. Also when the version came from a transaction entry's {@code ifMatch}: HAPI marks that
 * refusal with its message code 989. A batch answers each entry on its own, so a stale entry's
 * status is corrected in the batch's response.
 */
@Interceptor
public class StaleVersionPrecondition {

	private static final Set<RestOperationTypeEnum> VERSIONED_WRITES = Set.of(RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH);
	private static final String NOT_THE_CURRENT_VERSION = "HAPI-0989: ";

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException preconditionFailed(RequestDetails request, Throwable failure) {
		if (!(failure instanceof ResourceVersionConflictException conflict)) {
			return null;
		}
		boolean ifMatch = VERSIONED_WRITES.contains(request.getRestOperationType())
				&& request.getHeader(Constants.HEADER_IF_MATCH) != null;
		String message = conflict.getMessage() == null ? "" : conflict.getMessage();
		if (!ifMatch && !message.contains(NOT_THE_CURRENT_VERSION)) {
			return null;
		}
		return new PreconditionFailedException(message.isEmpty()
				? "The resource has changed since the version named in If-Match; read it again" : message);
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void preconditionFailedInBatchEntries(ResponseDetails response) {
		if (!(response.getResponseResource() instanceof Bundle bundle) || bundle.getType() != Bundle.BundleType.BATCHRESPONSE) {
			return;
		}
		for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
			Bundle.BundleEntryResponseComponent answer = entry.getResponse();
			if (answer.getStatus() != null && answer.getStatus().startsWith("409")
					&& answer.getOutcome() instanceof OperationOutcome outcome && namesAStaleVersion(outcome)) {
				answer.setStatus("412 Precondition Failed");
			}
		}
	}

	private static boolean namesAStaleVersion(OperationOutcome outcome) {
		return outcome.getIssue().stream().anyMatch(issue -> issue.getDiagnostics() != null
				&& issue.getDiagnostics().contains(NOT_THE_CURRENT_VERSION));
	}
}
