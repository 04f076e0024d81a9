package org.dermconsent.consent.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.ConsentSummary;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageFacts;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.time.Instant;
import java.util.List;

/**
 * Answers "may this image be used for this request?" from what is stored: the Media, its source if
 * it is a de-identified derivative (whose patient's consent governs), and that patient's consents.
 */
public class ImageConsentDecisions {

	private final IFhirResourceDao<Media> media;
	private final PatientImageConsents consents;
	private final ConsentDecider decider = new ConsentDecider();

	public ImageConsentDecisions(DaoRegistry daoRegistry, PatientImageConsents consents) {
		this.media = daoRegistry.getResourceDao(Media.class);
		this.consents = consents;
	}

	/** Decides for a stored Media; a Media without a patient subject has nobody to consent and is denied. */
	public Decision decide(Media image, AccessRequest request) {
		ImageFacts facts = FhirImageFacts.of(image);
		List<org.dermconsent.consent.ImageConsent> governing = consentsGoverning(image);
		return decider.decide(facts, governing, request);
	}

	public ConsentSummary summary(String patientReference, Instant at) {
		return ConsentSummary.of(consents.of(patientReference), at, decider);
	}

	private List<org.dermconsent.consent.ImageConsent> consentsGoverning(Media image) {
		Media subjectSource = FhirImageFacts.sourceMedia(image)
				.map(source -> media.read(new IdType(source), new SystemRequestDetails()))
				.orElse(image);
		return FhirImageFacts.patient(subjectSource).map(consents::of).orElse(List.of());
	}
}
