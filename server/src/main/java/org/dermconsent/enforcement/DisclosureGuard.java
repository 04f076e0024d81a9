package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.entity.Search;
import ca.uhn.fhir.jpa.entity.SearchTypeEnum;
import ca.uhn.fhir.jpa.search.cache.ISearchCacheSvc;
import ca.uhn.fhir.rest.api.Constants;
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
 *
 * <p>For results that are current versions (reads, searches and their pages, operations such as
 * $everything), an image whose grant labels still answer is let through on them; everything else,
 * history included, is decided from the consents (see {@link ImageDisclosure}).
 */
@Interceptor
public class DisclosureGuard {

	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
	private static final Set<RestOperationTypeEnum> READS_BY_ID =
			EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);

	/** Operations whose results are current versions; history and vread may return older ones. */
	private static final Set<RestOperationTypeEnum> CURRENT_VERSIONS = EnumSet.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE);

	private final ImageDisclosure disclosure;
	private final ISearchCacheSvc searches;

	public DisclosureGuard(ImageDisclosure disclosure, ISearchCacheSvc searches) {
		this.disclosure = disclosure;
		this.searches = searches;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void hideDeniedImages(IPreResourceAccessDetails resources, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails || WRITES.contains(request.getRestOperationType())) {
			return;
		}
		ImageDisclosure.Check check = disclosure.check(RequestPurpose.access(request), versionsIn(request), request);
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

	/** A further page is of current versions unless the search it pages through is a history. */
	private ImageDisclosure.Versions versionsIn(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		boolean current = CURRENT_VERSIONS.contains(operation)
				|| (operation == RestOperationTypeEnum.GET_PAGE && pagesThroughCurrentVersions(request));
		return current ? ImageDisclosure.Versions.CURRENT : ImageDisclosure.Versions.ANY;
	}

	private boolean pagesThroughCurrentVersions(RequestDetails request) {
		String[] searchId = request.getParameters().get(Constants.PARAM_PAGINGACTION);
		if (searchId == null || searchId.length != 1) {
			return false;
		}
		Optional<Search> search = searches.fetchByUuid(searchId[0], RequestPartitionId.allPartitions());
		return search.isPresent() && search.get().getSearchType() != SearchTypeEnum.HISTORY;
	}
}
