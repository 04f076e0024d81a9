package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.Datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bulk export ({@code $export}) honours the purpose and consents as search does. At kickoff the
 * request's access (purpose, requesters, client) is stored with the job (see {@link JobAccess}), and
 * the purpose becomes part of every Media type filter, so the export job selects only permitted
 * images in SQL; while the job writes its files, each resource passes the disclosure pipeline for
 * the stored access (a consent withdrawn while the job runs is honoured). Client filters that
 * could name the grant labels are refused before this (see {@link ImageProbeRejection}), so no client
 * can steer which labels the job selects by.
 */
@Interceptor
public class BulkExportKickoff {

	@Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
	public void selectOnlyPermittedImages(BulkExportJobParameters job, RequestDetails request) {
		JobAccess access = JobAccess.of(request);
		access.storeIn(job);
		SecondaryUseExport.restrictTypes(job, request, access.purpose());
		if (access.purpose() != ImageUse.CLINICAL_CARE) {
			Datasets.keyJob(job, UUID.randomUUID().toString()); // its files make a dataset, filed under this key
		}
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

	private static String clause(GrantLabels.Filter filter) {
		String anyOf = filter.anyOf().stream().map(code -> GrantLabels.SYSTEM + "|" + code).collect(Collectors.joining(","));
		StringBuilder clause = new StringBuilder(Constants.PARAM_SECURITY + "=" + anyOf);
		filter.noneOf().forEach(code -> clause.append("&").append(Constants.PARAM_SECURITY).append(":not=")
				.append(GrantLabels.SYSTEM).append("|").append(code));
		return clause.toString();
	}
}
