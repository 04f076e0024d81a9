package org.dermconsent.deid;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.fhir.FhirImageFacts;
import org.dermconsent.enforcement.RequestPurpose;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Reference;

import java.util.List;
import java.util.Optional;

/**
 * A de-identified image served for anything but clinical care carries no reference to its patient:
 * its {@code subject} becomes an identifier only (no reference, no display), the patient's stable
 * pseudonym for a PSEUDED derivative, an opaque per-image value for an ANONYED one. Stored resources
 * keep the real subject, which consent enforcement and the grant index rely on.
 *
 * <p>Applies to every read path that shows stored resources (read, vread, search, includes, history,
 * $everything, batch GETs) and to bulk export files. The server's own reads are left alone.
 */
@Interceptor
public class PseudonymMasking {

	static final String OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

	private final Pseudonyms pseudonyms;

	public PseudonymMasking(Pseudonyms pseudonyms) {
		this.pseudonyms = pseudonyms;
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void maskShown(IPreResourceShowDetails resources, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails || !masksFor(RequestPurpose.of(request))) {
			return;
		}
		for (int i = 0; i < resources.size(); i++) {
			mask(resources.getResource(i));
		}
	}

	/** Runs after the consent check of bulk export (which decides a derivative by its real subject). */
	@Hook(value = Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION, order = 100)
	public boolean maskExported(BulkExportJobParameters job, IBaseResource resource) {
		if (masksFor(purposeOf(job).orElse(null))) {
			mask(resource);
		}
		return true;
	}

	/** Every purpose but clinical care; an unknown purpose too (fail safe). */
	public static boolean masksFor(ImageUse purpose) {
		return purpose != ImageUse.CLINICAL_CARE;
	}

	/** Replaces the subject of a de-identified Media in place; anything else is left as it is. */
	public void mask(IBaseResource resource) {
		if (!(resource instanceof Media media) || !isDeidentified(media)) {
			return;
		}
		Identifier subject = new Identifier();
		if (isAnonymized(media)) {
			subject.setSystem(Pseudonyms.IMAGE_SYSTEM).setValue(pseudonyms.ofImage("Media/" + media.getIdElement().getIdPart()));
		} else {
			Optional<String> patient = FhirImageFacts.patient(media);
			subject.setSystem(Pseudonyms.PATIENT_SYSTEM).setValue(patient.map(pseudonyms::ofPatient)
					.orElseGet(() -> pseudonyms.ofImage("Media/" + media.getIdElement().getIdPart())));
		}
		media.setSubject(new Reference().setIdentifier(subject));
	}

	/** Labelled deidentified (and not also identifiable: two labels fail closed to identifiable, shown as stored). */
	public static boolean isDeidentified(Media media) {
		List<Coding> labels = media.getMeta().getSecurity().stream()
				.filter(label -> Identifiability.SYSTEM.equals(label.getSystem())).toList();
		return !labels.isEmpty() && labels.stream().allMatch(label -> "deidentified".equals(label.getCode()));
	}

	static boolean isAnonymized(Media media) {
		boolean anonymized = false;
		for (Coding label : media.getMeta().getSecurity()) {
			if (OBSERVATION_VALUE.equals(label.getSystem())) {
				if ("PSEUDED".equals(label.getCode())) {
					return false;
				}
				anonymized |= "ANONYED".equals(label.getCode());
			}
		}
		return anonymized;
	}

	/** The purpose bulk export's kickoff stored with the job (see enforcement's BulkExportConsent). */
	static Optional<ImageUse> purposeOf(BulkExportJobParameters job) {
		return JobAccess.of(job).map(JobAccess::purpose);
	}
}
