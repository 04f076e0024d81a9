package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.dao.MatchResourceUrlService;
import ca.uhn.fhir.jpa.entity.Search;
import ca.uhn.fhir.jpa.entity.SearchTypeEnum;
import ca.uhn.fhir.jpa.search.cache.ISearchCacheSvc;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.JobAccess;
import org.dermconsent.vocabulary.Datasets;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the server discloses passes here, on every path: responses to reads, searches and
 * their pages, history, operations, batch and transaction entries, what writes answer with, and the
 * files of bulk exports. Each resource goes through the same steps, in this order:
 * <ol>
 *   <li><b>guard</b> ({@link DisclosureGuard}): may it leave for this request? If not, a read by id
 *   is 403 and any other result leaves it out;</li>
 *   <li><b>audit</b> ({@link DisclosureAudit}): what leaves is put on record, durably before the
 *   response does;</li>
 *   <li><b>label stripping</b>: the server's grant labels never leave ({@link GrantLabelMasking});</li>
 *   <li><b>pseudonyms</b> ({@link SubjectMasking}): for every purpose but clinical care, a
 *   de-identified image leaves without its patient.</li>
 * </ol>
 * A search's further pages are only for the requester that made the search ({@link PageOwnership}).
 *
 * <p>Where HAPI lets the pipeline in:
 * <ul>
 *   <li>reads by id, history, {@code $everything} and batch GETs are guarded as HAPI gives access to
 *   them, so that a read by id can be refused and a result set leaves a denied image out before it
 *   is counted;</li>
 *   <li>search results are guarded as each page is shown, once HAPI has loaded it (guarding them when
 *   the search finds them would load them twice); the query has already left out what the grant
 *   labels deny, so this is a second look;</li>
 *   <li>every shown resource is audited, stripped and masked as it is shown;</li>
 *   <li>the response, as it leaves, is walked once more (a fail-safe): anything in it that did not
 *   pass the steps above (a write's answer, which HAPI takes before showing it; a batch entry; a
 *   contained image) passes them now, and what the guard denies is taken out of it.</li>
 * </ul>
 * Writes' own reads are never guarded (HAPI would lose data), only what they answer with. The
 * server's own requests ({@link SystemRequestDetails}) are not disclosures.
 */
@Interceptor
public class DisclosurePipeline {

	private static final Set<RestOperationTypeEnum> WRITES = EnumSet.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
	private static final Set<RestOperationTypeEnum> READS_BY_ID =
			EnumSet.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD);
	/** Operations whose results are current versions; history, vread and writes' answers may be older. */
	private static final Set<RestOperationTypeEnum> CURRENT_VERSIONS = EnumSet.of(
			RestOperationTypeEnum.READ, RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, RestOperationTypeEnum.EXTENDED_OPERATION_TYPE,
			RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);
	private static final Set<RestOperationTypeEnum> SEARCHES =
			EnumSet.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM);

	private final DisclosureGuard guard;
	private final DisclosureAudit audit;
	private final SubjectMasking pseudonyms;
	private final PageOwnership pages;
	private final ISearchCacheSvc searches;
	private final SecondaryUseExport secondaryUseExport;
	private final DatasetEntries datasetEntries;

	public DisclosurePipeline(DisclosureGuard guard, DisclosureAudit audit, SubjectMasking pseudonyms,
			PageOwnership pages, ISearchCacheSvc searches, SecondaryUseExport secondaryUseExport,
			DatasetEntries datasetEntries) {
		this.secondaryUseExport = secondaryUseExport;
		this.datasetEntries = datasetEntries;
		this.guard = guard;
		this.audit = audit;
		this.pseudonyms = pseudonyms;
		this.pages = pages;
		this.searches = searches;
	}

	/**
	 * The pipeline's hooks on the server's own pointcuts, which HAPI calls on the REST server's
	 * interceptors only (register this there; the pipeline itself goes to the storage interceptors,
	 * which bulk export and every storage path call).
	 */
	public Object serverHooks() {
		return new ServerHooks();
	}

	@Interceptor
	public final class ServerHooks {
		private ServerHooks() {}

		@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
		public void refuseOthersPages(RequestDetails request) {
			if (request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE) {
				pages.refuseOthersPages(request);
			}
		}

		@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
		public void leave(RequestDetails request, ResponseDetails response) {
			DisclosurePipeline.this.leave(request, response);
		}
	}

	/** A cached search answers its own requester only: another's identical search must not reuse its results. */
	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void keepSearchesToTheirRequester(ICachedSearchDetails search) {
		search.setCannotBeReused();
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void guardAccess(IPreResourceAccessDetails resources, RequestDetails request) {
		if (!disclosesTo(request) || WRITES.contains(request.getRestOperationType()) || isSearch(request)) {
			return; // a write's own reads are not disclosures; searches are guarded as their pages are shown
		}
		Passage passage = Passage.of(request);
		DisclosureGuard.Check check = guard.forRequest(request, versionsIn(request));
		for (int i = 0; i < resources.size(); i++) {
			IBaseResource resource = resources.getResource(i);
			Optional<String> denial = check.denial(resource);
			if (denial.isPresent()) {
				if (READS_BY_ID.contains(request.getRestOperationType())) {
					if (DisclosureGuard.hidesExistence(resource)) {
						throw new ResourceNotFoundException(resource.getIdElement().toUnqualifiedVersionless());
					}
					throw new ForbiddenOperationException(denial.get());
				}
				resources.setDontReturnResourceAtIndex(i);
				passage.denied.add(resource);
			} else {
				passage.guarded.add(resource);
			}
		}
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void show(IPreResourceShowDetails resources, RequestDetails request) {
		if (!disclosesTo(request) || WRITES.contains(request.getRestOperationType())
				|| MatchResourceUrlService.isDuringMatchUrlQuerySpan(request)) {
			// a write shows what it wrote before it commits: the resource may not have its grant labels yet,
			// and a consent written in the same transaction is not visible yet. What a write answers
			// with passes as it leaves, after the commit.
			return;
		}
		Passage passage = Passage.of(request);
		DisclosureGuard.Check check = null;
		List<IBaseResource> shown = new ArrayList<>();
		for (int i = 0; i < resources.size(); i++) {
			IBaseResource resource = resources.getResource(i);
			if (resource == null || passage.passed.contains(resource)) {
				continue;
			}
			if (!passage.guarded.contains(resource)) {
				check = check != null ? check : guard.forRequest(request, versionsIn(request));
				if (check.denial(resource).isPresent()) {
					resources.setResource(i, null);
					passage.denied.add(resource);
					continue;
				}
			}
			shown.add(resource);
		}
		letOut(shown, request, passage);
	}

	@Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
	public boolean export(BulkExportJobParameters job, IBaseResource resource) {
		Optional<JobAccess> access = JobAccess.of(job);
		if (access.isEmpty()) {
			return false; // a job that did not pass kickoff through this server: nobody said what for
		}
		DisclosureGuard.Check check = guard.forJob(access.get());
		if (check.denial(resource).isPresent()) {
			return false;
		}
		boolean dataset = access.get().purpose() != ImageUse.CLINICAL_CARE;
		if (dataset && !secondaryUseExport.shape(resource, job, check)) {
			return false;
		}
		if (dataset && resource instanceof Media image && !fileDatasetEntry(image, job, access.get())) {
			return false;
		}
		audit.exported(resource, access.get());
		if (dataset) {
			GrantLabelMasking.strip(resource);
			pseudonyms.pseudonymizeForExport(resource); // a dataset's own masks: every image and patient by pseudonym
		} else {
			mask(resource, access.get().purpose());
		}
		return true;
	}

	/**
	 * A dataset's image is filed with the version of the consent that permits it now (the List's
	 * governing consent); if no consent does any more (changed since the guard's look at the labels),
	 * it is not written.
	 */
	private boolean fileDatasetEntry(Media image, BulkExportJobParameters job, JobAccess access) {
		Optional<String> key = Datasets.keyOf(job);
		if (key.isEmpty()) {
			return true; // a job started before datasets existed: nothing to file under
		}
		Optional<String> consent = guard.permittingConsent(image, access);
		if (guard.decidesImages() && consent.isEmpty()) {
			return false;
		}
		datasetEntries.exported(key.get(), "Media/" + image.getIdElement().getIdPart(), consent);
		return true;
	}

	/** The fail-safe: nothing leaves in a response that did not pass the guard, the audit and the masks. */
	private void leave(RequestDetails request, ResponseDetails response) {
		if (!disclosesTo(request)) {
			return;
		}
		Passage passage = Passage.of(request);
		IBaseResource body = response.getResponseResource();
		if (body != null) {
			Leaving leaving = new Leaving(request, passage);
			if (!leaving.mayLeave(body)) {
				if (!WRITES.contains(request.getRestOperationType())) {
					throw new ForbiddenOperationException(leaving.firstDenial);
				}
				// the write was done; its answer is withheld, as with Prefer: return=minimal
				response.setResponseResource(null);
			} else {
				leaving.walk(body);
				letOut(leaving.unseen, request, passage);
				if (body instanceof Bundle bundle) {
					pages.claimPagesOf(bundle, request);
				}
			}
		}
		audit.leaving(request);
	}

	private void letOut(List<IBaseResource> resources, RequestDetails request, Passage passage) {
		if (resources.isEmpty()) {
			return;
		}
		audit.shown(resources, request);
		ImageUse purpose = RequestPurpose.of(request);
		for (IBaseResource resource : resources) {
			mask(resource, purpose);
			passage.passed.add(resource);
		}
	}

	private void mask(IBaseResource resource, ImageUse purpose) {
		GrantLabelMasking.strip(resource);
		if (purpose != ImageUse.CLINICAL_CARE) {
			pseudonyms.mask(resource);
		}
	}

	/** What leaves in a response body: each image in it either passed the pipeline, passes it now, or is taken out. */
	private final class Leaving {
		private final RequestDetails request;
		private final Passage passage;
		private final List<IBaseResource> unseen = new ArrayList<>();
		private DisclosureGuard.Check anyVersion;
		private DisclosureGuard.Check ownFacts;
		private String firstDenial;

		Leaving(RequestDetails request, Passage passage) {
			this.request = request;
			this.passage = passage;
		}

		void walk(IBaseResource resource) {
			if (resource instanceof Bundle bundle) {
				for (Iterator<Bundle.BundleEntryComponent> entries = bundle.getEntry().iterator(); entries.hasNext(); ) {
					Bundle.BundleEntryComponent entry = entries.next();
					if (entry.getResource() != null && !mayLeave(entry.getResource())) {
						if (entry.hasResponse()) {
							entry.setResource(null); // a batch or transaction entry keeps its outcome
						} else {
							entries.remove();
						}
					} else if (entry.getResource() != null) {
						walk(entry.getResource());
					}
				}
			} else if (resource instanceof Parameters parameters) {
				walkParts(parameters.getParameter());
			}
			if (resource instanceof DomainResource domain) {
				domain.getContained().removeIf(contained -> !mayLeaveContained(contained));
			}
		}

		private void walkParts(List<Parameters.ParametersParameterComponent> parts) {
			for (Parameters.ParametersParameterComponent part : parts) {
				if (part.getResource() != null) {
					if (mayLeave(part.getResource())) {
						walk(part.getResource());
					} else {
						part.setResource(null);
					}
				}
				walkParts(part.getPart());
			}
		}

		/** A stored resource (or a version of one): decided by today's facts if it did not pass the pipeline yet. */
		boolean mayLeave(IBaseResource resource) {
			if (passage.passed.contains(resource) || !isDisclosedByItself(resource)) {
				return true;
			}
			if (passage.denied.contains(resource)) {
				firstDenial = firstDenial != null ? firstDenial : "Access denied by the patient's image consent";
				return false;
			}
			anyVersion = anyVersion != null ? anyVersion : guard.forRequest(request, ImageDisclosure.Versions.ANY);
			return decided(resource, anyVersion);
		}

		/** A contained image is not stored by itself: its own facts decide. */
		private boolean mayLeaveContained(Resource contained) {
			if (passage.passed.contains(contained) || !isDisclosedByItself(contained)) {
				return true;
			}
			ownFacts = ownFacts != null ? ownFacts : guard.forRequest(request, ImageDisclosure.Versions.CURRENT);
			return decided(contained, ownFacts);
		}

		private boolean decided(IBaseResource resource, DisclosureGuard.Check check) {
			Optional<String> denial = check.denial(resource);
			if (denial.isPresent()) {
				passage.denied.add(resource);
				firstDenial = firstDenial != null ? firstDenial : denial.get();
				return false;
			}
			unseen.add(resource);
			return true;
		}
	}

	/** Images and bytes are what the guard decides; everything else passes (its labels are stripped all the same). */
	private static boolean isDisclosedByItself(IBaseResource resource) {
		return resource instanceof Media || resource instanceof Binary;
	}

	private static boolean disclosesTo(RequestDetails request) {
		return request != null && !(request instanceof SystemRequestDetails);
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

	/** What one request has disclosed so far, by identity: a resource passes the steps once. */
	private static final class Passage {
		private static final String KEY = Passage.class.getName();

		final Set<IBaseResource> guarded = Collections.newSetFromMap(new IdentityHashMap<>());
		final Set<IBaseResource> denied = Collections.newSetFromMap(new IdentityHashMap<>());
		final Set<IBaseResource> passed = Collections.newSetFromMap(new IdentityHashMap<>());

		static Passage of(RequestDetails request) {
			return (Passage) request.getUserData().computeIfAbsent(KEY, key -> new Passage());
		}
	}
}
