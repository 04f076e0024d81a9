package org.dermconsent.enforcement;

import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.util.List;
import java.util.Optional;

/**
 * Whether one stored resource may be disclosed for a request: a Media as its consent decides, a
 * Binary as every image whose bytes it holds decides, anything else always.
 */
public class ImageDisclosure {

	private final ImageConsentDecisions decisions;
	private final ImageOfBinary imageOfBinary;
	private final ConsentDecider decider = new ConsentDecider();

	public ImageDisclosure(ImageConsentDecisions decisions, ImageOfBinary imageOfBinary) {
		this.decisions = decisions;
		this.imageOfBinary = imageOfBinary;
	}

	/** For checking many resources at once: each patient's consents are read once. */
	public Check check(AccessRequest access) {
		return new Check(access, decisions.batch());
	}

	public final class Check {
		private final AccessRequest access;
		private final ImageConsentDecisions.Batch batch;

		private Check(AccessRequest access, ImageConsentDecisions.Batch batch) {
			this.access = access;
			this.batch = batch;
		}

		/** The decision that forbids disclosing {@code resource}, or empty if it may be disclosed. */
		public Optional<Decision> denial(IBaseResource resource) {
			if (resource instanceof Media image) {
				return deniedOrEmpty(batch.decide(image, access));
			}
			if (resource instanceof Binary binary) {
				List<Media> images = imageOfBinary.imagesOf(binary);
				if (images.isEmpty()) {
					// image bytes nobody has described yet: no patient has been asked, so only care may see them
					return ImageOfBinary.holdsAnImage(binary)
							? deniedOrEmpty(decider.decide(ImageFacts.anyImage(null), List.of(), access))
							: Optional.empty();
				}
				return images.stream().map(image -> batch.decide(image, access)).filter(d -> !d.permit()).findFirst();
			}
			return Optional.empty();
		}
	}

	private static Optional<Decision> deniedOrEmpty(Decision decision) {
		return decision.permit() ? Optional.empty() : Optional.of(decision);
	}
}
