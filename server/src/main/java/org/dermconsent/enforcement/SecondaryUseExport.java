package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.FhirImageFacts;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.LocalBinaryUrl;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Patient;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a bulk export for a purpose other than clinical care (a research dataset) holds, DESIGN 12:
 * the permitted images with their bytes, and their patients as pseudonymous records only.
 * <ul>
 *   <li>At kickoff: only {@code Media} and {@code Patient} may be asked for (without {@code _type},
 *   both); anything else is refused (400), and so is {@code Patient} without {@code Media} (a
 *   dataset's patients are those of its images).</li>
 *   <li>Each image is written with its bytes inline ({@code content.data}, byte for byte the Binary
 *   its {@code content.url} names, which stays), because bulk export does not export Binaries; the
 *   bytes are guarded as their own read would be.</li>
 *   <li>A Patient is written only if the job exports at least one image of theirs that names them by
 *   pseudonym (an ANONYED image names nobody), and then only as its pseudonymous record (see
 *   {@link SubjectMasking#pseudonymizeForExport}).</li>
 * </ul>
 * This runs inside the disclosure pipeline's export step, after the guard and before the audit.
 */
public class SecondaryUseExport {

	static final String MEDIA = "Media";
	static final String PATIENT = "Patient";
	private static final Set<String> EXPORTABLE = Set.of(MEDIA, PATIENT);

	private final IFhirResourceDao<Media> images;
	private final IFhirResourceDao<Binary> bytes;
	private final MatchUrlService matchUrls;
	private final FhirContext fhirContext;

	public SecondaryUseExport(DaoRegistry daoRegistry, MatchUrlService matchUrls, FhirContext fhirContext) {
		this.images = daoRegistry.getResourceDao(Media.class);
		this.bytes = daoRegistry.getResourceDao(Binary.class);
		this.matchUrls = matchUrls;
		this.fhirContext = fhirContext;
	}

	/** At kickoff, for a job of {@code purpose}: the types it may export, or 400. */
	public static void restrictTypes(BulkExportJobParameters job, RequestDetails request, ImageUse purpose) {
		if (purpose == ImageUse.CLINICAL_CARE) {
			return;
		}
		String[] asked = request.getParameters().get("_type");
		if (asked == null || asked.length == 0) {
			job.setResourceTypes(List.of(MEDIA, PATIENT));
			return;
		}
		Set<String> types = new TreeSet<>(job.getResourceTypes());
		Set<String> refused = new TreeSet<>(types);
		refused.removeAll(EXPORTABLE);
		if (!refused.isEmpty()) {
			throw new InvalidRequestException("A bulk export for " + purpose.code() + " exports Media (with their image"
					+ " bytes inline) and Patient (pseudonymous records) only; not " + String.join(",", refused));
		}
		if (types.contains(PATIENT) && !types.contains(MEDIA)) {
			throw new InvalidRequestException("A bulk export for " + purpose.code() + " exports the pseudonymous records"
					+ " of its images' patients only: ask for Media too (_type=Media,Patient)");
		}
	}

	/** The export step for one resource the guard let out: whether it is written, shaped in place. */
	public boolean shape(IBaseResource resource, BulkExportJobParameters job, DisclosureGuard.Check guard) {
		if (resource instanceof Media image) {
			return inlineBytes(image, guard);
		}
		if (resource instanceof Patient patient) {
			return hasExportedImageNamingThem(patient, job, guard);
		}
		return false; // kickoff refused every other type; fail closed on what got here anyway
	}

	/** The image's bytes inline; an image whose bytes cannot be read or may not leave is not written. */
	private boolean inlineBytes(Media image, DisclosureGuard.Check guard) {
		if (image.getContent().hasData() || !image.getContent().hasUrl()) {
			return true;
		}
		Optional<String> binaryId = LocalBinaryUrl.binaryIdIn(image.getContent().getUrl());
		if (binaryId.isEmpty()) {
			return true; // bytes elsewhere (another server): the url is all there is
		}
		Binary binary;
		try {
			binary = bytes.read(new IdType("Binary", binaryId.get()), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return false;
		}
		if (guard.denial(binary).isPresent() || binary.getContent() == null) {
			return false;
		}
		image.getContent().setData(binary.getContent());
		return true;
	}

	/** Whether the job selects an image of {@code patient} that the guard lets out and that names them by pseudonym. */
	private boolean hasExportedImageNamingThem(Patient patient, BulkExportJobParameters job, DisclosureGuard.Check guard) {
		if (!job.getResourceTypes().contains(MEDIA)) {
			return false;
		}
		String subject = "Patient/" + patient.getIdElement().getIdPart();
		for (String filter : job.getFilters() == null ? List.<String>of() : job.getFilters()) {
			if (!filter.startsWith(MEDIA + "?")) {
				continue;
			}
			SearchParameterMap params = matchUrls.translateMatchUrl(filter, fhirContext.getResourceDefinition(MEDIA));
			params.add("subject", new ReferenceParam(subject));
			params.setLoadSynchronous(true);
			for (IBaseResource found : images.searchForResources(params, new SystemRequestDetails())) {
				if (found instanceof Media image && !FhirImageFacts.isAnonymized(image) && guard.denial(image).isEmpty()) {
					return true;
				}
			}
		}
		return false;
	}

}
