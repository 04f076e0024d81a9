package org.dermconsent.deid;

import org.dermconsent.consent.Identifiability;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.enforcement.SubjectMasking;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Patient;
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

	private final Pseudonyms pseudonyms;

	public PseudonymMasking(Pseudonyms pseudonyms) {
		this.pseudonyms = pseudonyms;
	}

	/** Replaces the subject of a de-identified Media in place; anything else is left as it is. */
	@Override
	public void mask(IBaseResource resource) {
		if (resource instanceof Media media && isDeidentified(media)) {
			replaceSubject(media);
		}
	}

	@Override
	public void pseudonymizeForExport(IBaseResource resource) {
		if (resource instanceof Media media) {
			replaceSubject(media);
		} else if (resource instanceof Patient patient) {
			pseudonymize(patient);
		}
	}

	/**
	 * What a dataset may know of a patient: the pseudonym (as id and as the only identifier), the
	 * gender and the birth year. Everything else (names, telecom, addresses, other identifiers, links,
	 * contacts, text, extensions, tags) goes; the record is labelled PSEUDED.
	 */
	private void pseudonymize(Patient patient) {
		String pseudonym = pseudonyms.ofPatient("Patient/" + patient.getIdElement().getIdPart());
		Enumerations.AdministrativeGender gender = patient.getGender();
		Integer birthYear = patient.hasBirthDate() ? patient.getBirthDateElement().getYear() : null;
		// every element of R4 Patient (and its DomainResource and Resource parts) is cleared, then the three set
		patient.setIdentifier(null).setActiveElement(null).setName(null).setTelecom(null).setGenderElement(null)
				.setBirthDateElement(null).setDeceased(null).setAddress(null).setMaritalStatus(null).setMultipleBirth(null)
				.setPhoto(null).setContact(null).setCommunication(null).setGeneralPractitioner(null)
				.setManagingOrganization(null).setLink(null);
		patient.setText(null).setContained(null).setExtension(null).setModifierExtension(null);
		patient.setMeta(null).setImplicitRulesElement(null).setLanguageElement(null);
		patient.setId(pseudonym);
		patient.getMeta().addSecurity(FhirImageFacts.OBSERVATION_VALUE, "PSEUDED", "pseudonymized");
		patient.addIdentifier().setSystem(Pseudonyms.PATIENT_SYSTEM).setValue(pseudonym);
		patient.setGender(gender);
		if (birthYear != null) {
			patient.setBirthDateElement(new DateType(String.format("%04d", birthYear)));
		}
	}

	/**
	 * The subject becomes the pseudonym, and whatever else in the image could lead to the patient's
	 * record goes too: its encounter, the orders and procedures it is part of, its operator (who may
	 * be the patient or a relative), its business identifiers (often accession or record numbers),
	 * notes and narrative. What describes the image itself stays.
	 */
	private void replaceSubject(Media media) {
		media.setEncounter(null).setBasedOn(null).setPartOf(null).setOperator(null).setIdentifier(null).setNote(null);
		media.setText(null);
		Identifier subject = new Identifier();
		if (FhirImageFacts.isAnonymized(media)) {
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

}
