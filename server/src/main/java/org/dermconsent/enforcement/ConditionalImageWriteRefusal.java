package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;

import java.util.Set;

/**
 * Conditional writes of images (Media and Binary: create with {@code If-None-Exist}, update, patch
 * and delete by search URL, in plain requests, transactions and batches) are refused (403) for every
 * purpose but clinical care. Their outcome answers a search: whether the write created (201), found
 * (200) or conflicted (409/412) tells whether an image matching the criteria exists, and a match that
 * ran under the request's consent filter would instead let a training client store a second copy
 * of an image it may not see. Writing images is clinical work, so refusing costs other purposes
 * nothing they may do.
 *
 * <p>For clinical care the match runs as a search of the request: its criteria pass
 * {@link ImageProbeRejection} and the consent filter (HAPI resolves match URLs through the search
 * pointcut), so an image whose patient withdrew clinical care is not matched and is not revealed.
 * Conditional writes of other resource types stay open for every purpose; their criteria are
 * searches and are refused there like any other search's.
 */
@Interceptor
public class ConditionalImageWriteRefusal {

	private static final Set<String> IMAGE_TYPES = Set.of("Media", "Binary");
	private static final Set<RestOperationTypeEnum> CONDITIONAL_OPERATIONS = Set.of(
			RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.PATCH,
			RestOperationTypeEnum.DELETE);

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void refuseConditionalImageRequest(RequestDetails request, RestOperationTypeEnum operation) {
		if (CONDITIONAL_OPERATIONS.contains(operation) && IMAGE_TYPES.contains(request.getResourceName())
				&& request.getConditionalUrl(operation) != null) {
			refuseUnlessClinicalCare(request);
		}
	}

	/** Called for a whole transaction, and for each entry of a batch (as a bundle of one). */
	@Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
	public void refuseConditionalImageEntries(IBaseBundle bundle, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails || !(bundle instanceof Bundle entries)
				|| entries.getType() == Bundle.BundleType.BATCH) {
			return; // a batch is refused entry by entry, each in its own call
		}
		for (Bundle.BundleEntryComponent entry : entries.getEntry()) {
			Bundle.BundleEntryRequestComponent entryRequest = entry.getRequest();
			if (isConditional(entryRequest) && isImage(entry)) {
				refuseUnlessClinicalCare(request);
			}
		}
	}

	private static boolean isConditional(Bundle.BundleEntryRequestComponent request) {
		if (request.getMethod() == Bundle.HTTPVerb.POST) {
			return request.hasIfNoneExist() && !request.getIfNoneExist().isBlank();
		}
		return request.getMethod() != null && request.getMethod() != Bundle.HTTPVerb.GET
				&& request.getMethod() != Bundle.HTTPVerb.HEAD && request.hasUrl() && request.getUrl().contains("?");
	}

	private static boolean isImage(Bundle.BundleEntryComponent entry) {
		return IMAGE_TYPES.contains(typeNamed(entry.getRequest().getUrl()))
				|| (entry.getResource() != null && IMAGE_TYPES.contains(entry.getResource().fhirType()));
	}

	/** The resource type of a request URL such as {@code Media?identifier=...} or {@code .../fhir/Media}. */
	private static String typeNamed(String url) {
		if (url == null) {
			return "";
		}
		String path = url.split("\\?", 2)[0];
		while (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return path.substring(path.lastIndexOf('/') + 1);
	}

	private static void refuseUnlessClinicalCare(RequestDetails request) {
		if (RequestPurpose.of(request) != ImageUse.CLINICAL_CARE) {
			throw new ForbiddenOperationException("Conditional writes of images (Media and Binary with If-None-Exist or a"
					+ " search URL) are for clinical care only: writing images is clinical work, and the outcome of the"
					+ " match would tell whether images the request may not see exist.");
		}
	}
}
