package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.GrantLabels;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Bulk export ({@code $export}) honours the purpose and consents as search does. At kickoff the
 * request's access (purpose, requesters, client) is stored with the job (see {@link JobAccess}), and
 * the purpose becomes part of every Media type filter, so the export job selects only permitted
 * images in SQL; while the job writes its files, each image and image Binary is decided again at
 * that moment for the stored access (a consent withdrawn while the job runs is honoured) and its
 * grant labels are removed. Grant labels are the server's own: a client filter that names them is
 * refused, so no client can steer which labels the job selects by.
 */
@Interceptor
public class BulkExportConsent {

	private static final String GRANT_LABELS = GrantLabels.SYSTEM.toLowerCase(Locale.ROOT);

	private final ImageDisclosure disclosure;

	public BulkExportConsent(ImageDisclosure disclosure) {
		this.disclosure = disclosure;
	}

	@Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
	public void selectOnlyPermittedImages(BulkExportJobParameters job, RequestDetails request) {
		refuseFiltersOnGrantLabels(job);
		JobAccess access = JobAccess.of(request);
		access.storeIn(job);
		String clause = clause(GrantLabels.filterFor(access.now()));
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

	/** The purpose and requesters the job's kickoff request established, as of now. */
	public static Optional<AccessRequest> accessOf(BulkExportJobParameters job) {
		return JobAccess.of(job).map(JobAccess::now);
	}

	private static void refuseFiltersOnGrantLabels(BulkExportJobParameters job) {
		Stream.concat(nullSafe(job.getFilters()), nullSafe(job.getPostFetchFilterUrls()))
				.filter(BulkExportConsent::namesGrantLabels).findFirst().ifPresent(filter -> {
					throw new InvalidRequestException("_typeFilter may not name " + GrantLabels.SYSTEM
							+ ": grant labels are the server's own and not searchable");
				});
	}

	/** As sent, and as HAPI reads it: each parameter name and value decoded once more. */
	private static boolean namesGrantLabels(String filter) {
		if (mentionsGrantLabels(filter)) {
			return true;
		}
		for (String part : filter.split("[?&=]")) {
			try {
				if (mentionsGrantLabels(URLDecoder.decode(part, StandardCharsets.UTF_8))) {
					return true;
				}
			} catch (IllegalArgumentException e) {
				// not decodable: HAPI can only take it as sent, which was checked above
			}
		}
		return false;
	}

	private static boolean mentionsGrantLabels(String text) {
		return text.toLowerCase(Locale.ROOT).contains(GRANT_LABELS);
	}

	private static Stream<String> nullSafe(List<String> filters) {
		return filters == null ? Stream.empty() : filters.stream();
	}

	private static String clause(GrantLabels.Filter filter) {
		String anyOf = filter.anyOf().stream().map(code -> GrantLabels.SYSTEM + "|" + code).collect(Collectors.joining(","));
		StringBuilder clause = new StringBuilder(Constants.PARAM_SECURITY + "=" + anyOf);
		filter.noneOf().forEach(code -> clause.append("&").append(Constants.PARAM_SECURITY).append(":not=")
				.append(GrantLabels.SYSTEM).append("|").append(code));
		return clause.toString();
	}
}
