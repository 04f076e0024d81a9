package org.dermconsent.consent.fhir;

import org.dermconsent.vocabulary.FhirImageFacts;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.ConsentSummary;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.GrantTimeline;
import org.dermconsent.consent.ImageConsent;
import org.dermconsent.consent.ImageGrants;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Answers "may this image be used for this request?" from what is stored: the Media, its source if
 * it is a de-identified derivative (whose patient's consent governs), and that patient's consents.
 */
public class ImageConsentDecisions {

	private final IFhirResourceDao<Media> media;
	private final PatientImageConsents consents;
	private final ConsentDecider decider = new ConsentDecider();
	private final GrantTimeline timeline = new GrantTimeline(decider);

	public ImageConsentDecisions(DaoRegistry daoRegistry, PatientImageConsents consents) {
		this.media = daoRegistry.getResourceDao(Media.class);
		this.consents = consents;
	}

	/** Decides for a stored Media; a Media without a patient subject has nobody to consent for it. */
	public Decision decide(Media image, AccessRequest request) {
		return batch().decide(image, request);
	}

	/** For deciding many images at once: each patient's consents are read only once. */
	public Batch batch() {
		return new Batch((patient, stored) -> stored);
	}

	/**
	 * A {@link #batch()} that decides with {@code asWritten.apply(patient, stored)} instead of each
	 * patient's stored consents: for consents a caller knows to be written but not yet searchable.
	 */
	public Batch batch(BiFunction<String, List<Consent>, List<Consent>> asWritten) {
		return new Batch(asWritten);
	}

	public ConsentSummary summary(String patientReference, Instant at) {
		return ConsentSummary.of(consents.of(patientReference), at, decider);
	}

	public final class Batch {
		private final Map<String, List<ImageConsent>> consentsByPatient = new HashMap<>();
		/** Each consent read, by reference ("Consent/7"), to its versioned reference ("Consent/7/_history/2"). */
		private final Map<String, String> versionOf = new HashMap<>();
		private final BiFunction<String, List<Consent>, List<Consent>> asWritten;

		private Batch(BiFunction<String, List<Consent>, List<Consent>> asWritten) {
			this.asWritten = asWritten;
		}

		public Decision decide(Media image, AccessRequest request) {
			return decider.decide(FhirImageFacts.of(image), consentsGoverning(image), request);
		}

		/**
		 * The version of the consent that made {@code decision} (one of this batch's), as a versioned
		 * reference; empty if the default policy decided.
		 */
		public Optional<String> decidingVersion(Decision decision) {
			return Optional.ofNullable(decision.decidingConsent()).map(versionOf::get);
		}

		/** Everything the image is permitted for, at any time, for the search index. */
		public ImageGrants grants(Media image) {
			return timeline.compute(FhirImageFacts.of(image), consentsGoverning(image));
		}

		private List<ImageConsent> consentsGoverning(Media image) {
			Media subjectSource = FhirImageFacts.sourceMedia(image).map(this::readSource).orElse(image);
			return FhirImageFacts.patient(subjectSource)
					.map(patient -> consentsByPatient.computeIfAbsent(patient, this::read))
					.orElse(List.of());
		}

		private List<ImageConsent> read(String patient) {
			List<Consent> stored = consents.stored(patient);
			for (Consent consent : stored) {
				IdType id = consent.getIdElement();
				versionOf.put("Consent/" + id.getIdPart(), "Consent/" + id.getIdPart() + "/_history/" + id.getVersionIdPart());
			}
			return consents.asJudged(patient, asWritten.apply(patient, stored));
		}

		/** A derivative whose source is gone answers to its own subject's consent. */
		private Media readSource(String source) {
			try {
				return media.read(new IdType(source), new SystemRequestDetails());
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				return null;
			}
		}
	}
}
