package org.dermconsent.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.fhir.FhirImageFacts;
import org.dermconsent.enforcement.BulkExportConsent;
import org.dermconsent.enforcement.ImageOfBinary;
import org.dermconsent.enforcement.RequestPurpose;
import org.dermconsent.security.SmartToken;
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
 * clinical care: in responses (after consent enforcement has removed what may not leave), one
 * disclosure per patient and response, held until the response succeeds ({@link DisclosureRelease});
 * and in bulk export files, recorded before the image is written to the file.
 */
@Interceptor
public class DisclosureRecorder {

	private final AuditTrail trail;
	private final ImageOfBinary imageOfBinary;

	public DisclosureRecorder(AuditTrail trail, ImageOfBinary imageOfBinary) {
		this.trail = trail;
		this.imageOfBinary = imageOfBinary;
	}

	// consent has already removed what may not be shown (DisclosureGuard, order -200); record before
	// the pseudonym replaces the patient reference (order 0)
	@Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -100)
	public void recordShown(IPreResourceShowDetails resources, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		ImageUse purpose = RequestPurpose.of(request);
		if (purpose == ImageUse.CLINICAL_CARE) {
			return;
		}
		Optional<SmartToken> token = SmartToken.current();
		String client = token.map(SmartToken::clientId).orElse(null);
		String user = token.map(SmartToken::subject).orElse(null);
		Map<Optional<String>, List<String>> shownByPatient = new LinkedHashMap<>();
		for (int i = 0; i < resources.size(); i++) {
			IBaseResource resource = resources.getResource(i);
			imageReference(resource).ifPresent(image -> shownByPatient
					.computeIfAbsent(patientOf(resource, request), patient -> new ArrayList<>()).add(image));
		}
		Instant now = Instant.now();
		List<Disclosure> disclosures = new ArrayList<>();
		shownByPatient.forEach((patient, images) ->
				disclosures.add(new Disclosure(images, patient.orElse(null), purpose, client, user, true, now)));
		if (!disclosures.isEmpty()) {
			PendingDisclosures.add(request, disclosures);
		}
	}

	// after the consent decision (order 0), before the pseudonym (order 100)
	@Hook(value = Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION, order = 50)
	public boolean recordExported(BulkExportJobParameters job, IBaseResource resource) {
		Optional<AccessRequest> access = BulkExportConsent.accessOf(job);
		if (access.isPresent() && access.get().purpose() != ImageUse.CLINICAL_CARE) {
			String client = access.get().actors().stream().findFirst().orElse("bulk-export");
			imageReference(resource).ifPresent(image -> trail.record(List.of(new Disclosure(List.of(image),
					patientOf(resource, null).orElse(null), access.get().purpose(), client, null, true, Instant.now()))));
		}
		return true;
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
