package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.consent.Decision;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The last check before an image or its bytes leave the storage layer, whatever path fetched them:
 * read, vread, search pages, _include/_revinclude, history, $everything, batch and transaction
 * GET entries. A denied image requested by id is 403; inside any result set it is left out.
 *
 * <p>Writes are never filtered here: HAPI loses data when consent filtering runs inside writes.
 */
@Interceptor
public class DisclosureGuard {

	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH,
			RestOperationTypeEnum.META_ADD, RestOperationTypeEnum.META_DELETE);
	private static final Set<RestOperationTypeEnum> READS_BY_ID =
			EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);

	private final ImageDisclosure disclosure;

	public DisclosureGuard(ImageDisclosure disclosure) {
		this.disclosure = disclosure;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void hideDeniedImages(IPreResourceAccessDetails resources, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails || WRITES.contains(request.getRestOperationType())) {
			return;
		}
		ImageDisclosure.Check check = disclosure.check(RequestPurpose.access(request));
		for (int i = 0; i < resources.size(); i++) {
			Optional<Decision> denial = check.denial(resources.getResource(i));
			if (denial.isPresent()) {
				if (READS_BY_ID.contains(request.getRestOperationType())) {
					throw new ForbiddenOperationException("Access denied by the patient's image consent: "
							+ denial.get().reason());
				}
				resources.setDontReturnResourceAtIndex(i);
			}
		}
	}
}
