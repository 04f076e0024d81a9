package org.dermconsent.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.access.JobAccess;
import org.dermconsent.enforcement.DisclosureAudit;
import org.dermconsent.vocabulary.ImageOfBinary;
import org.dermconsent.access.RequestPurpose;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Notes every image, and every image's bytes, that leaves the server for a purpose other than
 * clinical care, as the disclosure pipeline lets it out: in responses, one disclosure per patient and
 * response, held until the response leaves ({@link #leaving}: on disk before it does, and never for a
 * response that fails); and in bulk export files, on disk before the image is written to the file.
 * Storing the AuditEvents happens later, in {@link AuditTrail}.
 */
public class DisclosureRecorder implements DisclosureAudit {

	private final AuditTrail trail;
	private final ImageOfBinary imageOfBinary;

	public DisclosureRecorder(AuditTrail trail, ImageOfBinary imageOfBinary) {
		this.trail = trail;
		this.imageOfBinary = imageOfBinary;
	}

	@Override
	public void shown(List<IBaseResource> resources, RequestDetails request) {
		ImageUse purpose = RequestPurpose.of(request);
		if (purpose == ImageUse.CLINICAL_CARE) {
			return;
		}
		String client = RequestPurpose.client(request).orElse(null);
		String user = RequestPurpose.user(request).orElse(null);
		Map<Optional<String>, List<String>> shownByPatient = new LinkedHashMap<>();
		for (IBaseResource resource : resources) {
			imageReference(resource).ifPresent(image -> shownByPatient
					.computeIfAbsent(patientOf(resource, request), patient -> new ArrayList<>()).add(image));
		}
		Instant now = Instant.now();
		Disclosure.Query query = queryOf(request);
		List<Disclosure> disclosures = new ArrayList<>();
		shownByPatient.forEach((patient, images) ->
				disclosures.add(new Disclosure(images, patient.orElse(null), purpose, client, user, true, now, query)));
		if (!disclosures.isEmpty()) {
			PendingDisclosures.add(request, disclosures);
		}
	}

	@Override
	public void exported(IBaseResource resource, JobAccess job) {
		if (job.purpose() != ImageUse.CLINICAL_CARE) {
			String client = job.actors().stream().findFirst().orElse("bulk-export");
			imageReference(resource).ifPresent(image -> trail.record(List.of(new Disclosure(List.of(image),
					patientOf(resource, null).orElse(null), job.purpose(), client, null, true, Instant.now()))));
		}
	}

	/**
	 * Journals what the response discloses before it leaves; if that fails the response does not
	 * leave (503). A transaction's or batch's entries leave with their Bundle, whose request holds
	 * what they showed.
	 */
	@Override
	public void leaving(RequestDetails request) {
		if (!request.isSubRequest()) {
			DisclosureRelease.recordBeforeResponding(trail, request);
		}
	}

	/**
	 * The search a response answers, or null if it is not one. A transaction's or batch's entries
	 * are recorded with their Bundle's request (not a search).
	 */
	static Disclosure.Query queryOf(RequestDetails request) {
		if (request == null || request.getRestOperationType() == null) {
			return null;
		}
		String interaction = switch (request.getRestOperationType()) {
			case SEARCH_TYPE, GET_PAGE -> "search-type";
			case SEARCH_SYSTEM -> "search-system";
			default -> null;
		};
		if (interaction == null) {
			return null;
		}
		// relative to the server's base: "Media?_tag=...", or "?_getpages=..." for a further page
		String text = request.getCompleteUrl() == null ? "" : request.getCompleteUrl();
		String base = request.getFhirServerBase();
		if (base != null && text.startsWith(base)) {
			text = text.substring(base.length());
			text = text.startsWith("/") ? text.substring(1) : text;
		}
		return new Disclosure.Query(interaction, text);
	}

	/** The reference to record if {@code resource} is an image or image bytes. */
	private static Optional<String> imageReference(IBaseResource resource) {
		if (resource instanceof Media image) {
			return Optional.of("Media/" + image.getIdElement().getIdPart());
		}
		if (resource instanceof Binary bytes && ImageOfBinary.holdsAnImage(bytes)) {
			return Optional.of("Binary/" + bytes.getIdElement().getIdPart());
		}
		return Optional.empty();
	}

	private Optional<String> patientOf(IBaseResource resource, RequestDetails request) {
		if (resource instanceof Binary bytes) {
			return imageOfBinary.imagesOf(bytes, request).stream().map(FhirImageFacts::patient)
					.flatMap(Optional::stream).findFirst();
		}
		return FhirImageFacts.patient((Media) resource);
	}
}
