package org.dermconsent.deid;

import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.enforcement.SubjectMasking;
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
 * <p>The disclosure pipeline applies it, as its last step, to everything that leaves for another
 * purpose than clinical care: every response and every bulk export file.
 */
public class PseudonymMasking implements SubjectMasking {

	static final String OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

	private final Pseudonyms pseudonyms;

	public PseudonymMasking(Pseudonyms pseudonyms) {
		this.pseudonyms = pseudonyms;
	}

	/** Every purpose but clinical care; an unknown purpose too (fail safe). */
	public static boolean masksFor(ImageUse purpose) {
		return purpose != ImageUse.CLINICAL_CARE;
	}

	/** Replaces the subject of a de-identified Media in place; anything else is left as it is. */
	@Override
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
}
