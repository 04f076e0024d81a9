package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Bulk export ({@code $export}) honours the purpose and consents as search does. At kickoff the
 * request's purpose becomes part of every Media type filter, so the export job selects only
 * permitted images in SQL; while the job writes its files, each image and image Binary is decided
 * again at that moment (a consent withdrawn while the job runs is honoured) and its grant labels are
 * removed.
 */
@Interceptor
public class BulkExportConsent {

	private static final String PURPOSE_FILTER = Constants.PARAM_SECURITY + "=" + GrantLabels.SYSTEM + "|";

	private final ImageDisclosure disclosure;

	public BulkExportConsent(ImageDisclosure disclosure) {
		this.disclosure = disclosure;
	}

	@Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
	public void selectOnlyPermittedImages(BulkExportJobParameters job, RequestDetails request) {
		String clause = clause(GrantLabels.filterFor(RequestPurpose.access(request)));
		List<String> filters = new ArrayList<>();
		boolean mediaFiltered = false;
		for (String filter : job.getFilters() == null ? List.<String>of() : job.getFilters()) {
			if (filter.startsWith("Media?")) {
				filters.add(filter + "&" + clause);
				mediaFiltered = true;
			} else {
				filters.add(filter);
			}
		}
		if (!mediaFiltered) {
			filters.add("Media?" + clause);
		}
		job.setFilters(filters);
	}

	@Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
	public boolean includeIfPermitted(BulkExportJobParameters job, IBaseResource resource) {
		if (!(resource instanceof Media) && !(resource instanceof Binary)) {
			return true;
		}
		Optional<AccessRequest> access = accessOf(job);
		if (access.isEmpty()) {
			return false; // a job that did not pass kickoff through this server: nobody said what for
		}
		boolean permitted = disclosure.check(access.get(), ImageDisclosure.Versions.CURRENT).denial(resource).isEmpty();
		if (permitted) {
			GrantLabelMasking.strip(resource);
		}
		return permitted;
	}

	private static String clause(GrantLabels.Filter filter) {
		String anyOf = filter.anyOf().stream().map(code -> GrantLabels.SYSTEM + "|" + code).collect(Collectors.joining(","));
		StringBuilder clause = new StringBuilder(Constants.PARAM_SECURITY + "=" + anyOf);
		filter.noneOf().forEach(code -> clause.append("&").append(Constants.PARAM_SECURITY).append(":not=")
				.append(GrantLabels.SYSTEM).append("|").append(code));
		return clause.toString();
	}

	/** The purpose and requester written into the job's Media filters at kickoff, as of now. */
	public static Optional<AccessRequest> accessOf(BulkExportJobParameters job) {
		for (String filter : job.getFilters() == null ? List.<String>of() : job.getFilters()) {
			int at = filter.indexOf(PURPOSE_FILTER);
			if (!filter.startsWith("Media?") || at < 0) {
				continue;
			}
			String anyOf = filter.substring(at + Constants.PARAM_SECURITY.length() + 1).split("&", 2)[0];
			Optional<ImageUse> purpose = Optional.empty();
			Set<String> actors = new TreeSet<>();
			for (String label : anyOf.split(",")) {
				String code = label.substring(GrantLabels.SYSTEM.length() + 1);
				int actorAt = code.indexOf('@');
				if (actorAt < 0) {
					purpose = ImageUse.find(code);
				} else {
					actors.add(code.substring(actorAt + 1));
				}
			}
			if (purpose.isPresent()) {
				return Optional.of(new AccessRequest(purpose.get(), actors, Instant.now()));
			}
		}
		return Optional.empty();
	}
}
