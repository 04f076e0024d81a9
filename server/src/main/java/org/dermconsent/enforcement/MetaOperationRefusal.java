package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code $meta}, {@code $meta-add} and {@code $meta-delete} bypass validation and list or edit the
 * server's grant labels; tags change by updating the resource instead.
 */
@Interceptor
public class MetaOperationRefusal {

	private static final Set<RestOperationTypeEnum> META_OPERATIONS =
			EnumSet.of(RestOperationTypeEnum.META, RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);
	private static final Set<String> META_OPERATION_NAMES = Set.of("$meta", "$meta-add", "$meta-delete");

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuse(RequestDetails request, RestOperationTypeEnum operation) {
		if (META_OPERATIONS.contains(operation) || (request.getOperation() != null && META_OPERATION_NAMES.contains(request.getOperation()))) {
			throw new InvalidRequestException("$meta, $meta-add and $meta-delete are not supported by this server:"
					+ " update the resource itself to change its tags.");
		}
	}
}
