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
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.consent.Decision;

import org.hl7.fhir.instance.model.api.IBaseResource;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The last check before an image or its bytes leave the storage layer, whatever path fetched them:
 * read, vread, search pages, _include/_revinclude, history, $everything, batch and transaction
 * GET entries. A denied image requested by id is 403; inside any result set it is left out.
 *
 * <p>Search results are checked as each page is shown, once HAPI has loaded it: checking them when
 * the search finds them would load every one of them twice (HAPI loads them only to answer the
 * check, then again for the page), and a page fetched later is then checked against the consents
 * of that moment. Everything else is checked before HAPI gives access to it, so that a read by id
 * can be refused and a result set of other paths leaves the image out before it is counted.
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

	/** Checked as their pages are shown (with further pages of them, see {@link #isSearch}). */
	private static final Set<RestOperationTypeEnum> SEARCHES =
			EnumSet.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM);

	private final ImageDisclosure disclosure;
	private final ISearchCacheSvc searches;

	public DisclosureGuard(ImageDisclosure disclosure, ISearchCacheSvc searches) {
		this.disclosure = disclosure;
		this.searches = searches;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void hideDeniedImages(IPreResourceAccessDetails resources, RequestDetails request) {
		if (!enforcedOn(request) || isSearch(request)) {
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

	// before the disclosure is recorded (order -100) and the grant labels are masked (order 0)
	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -200)
	public void hideDeniedSearchResults(IPreResourceShowDetails resources, RequestDetails request) {
		if (!enforcedOn(request) || !isSearch(request)) {
			return;
		}
		ImageDisclosure.Check check = disclosure.check(RequestPurpose.access(request), ImageDisclosure.Versions.CURRENT, request);
		for (int i = 0; i < resources.size(); i++) {
			IBaseResource resource = resources.getResource(i);
			if (resource != null && check.denial(resource).isPresent()) {
				resources.setResource(i, null);
			}
		}
	}

	private static boolean enforcedOn(RequestDetails request) {
		return request != null && !(request instanceof SystemRequestDetails)
				&& !WRITES.contains(request.getRestOperationType());
	}

	/** A search, or a further page of one (not of a history or an $everything). */
	private boolean isSearch(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		if (SEARCHES.contains(operation)) {
			return true;
		}
		return operation == RestOperationTypeEnum.GET_PAGE && pagedSearchType(request) == SearchTypeEnum.SEARCH;
	}

	/** A further page is of current versions unless the search it pages through is a history. */
	private ImageDisclosure.Versions versionsIn(RequestDetails request) {
		RestOperationTypeEnum operation = request.getRestOperationType();
		SearchTypeEnum paged = operation == RestOperationTypeEnum.GET_PAGE ? pagedSearchType(request) : null;
		boolean current = CURRENT_VERSIONS.contains(operation) || (paged != null && paged != SearchTypeEnum.HISTORY);
		return current ? ImageDisclosure.Versions.CURRENT : ImageDisclosure.Versions.ANY;
	}

	/** What kind of search a further page belongs to; null if no such search is known. */
	private SearchTypeEnum pagedSearchType(RequestDetails request) {
		String[] searchId = request.getParameters().get(Constants.PARAM_PAGINGACTION);
		if (searchId == null || searchId.length != 1) {
			return null;
		}
		return searches.fetchByUuid(searchId[0], RequestPartitionId.allPartitions()).map(Search::getSearchType).orElse(null);
	}
}
