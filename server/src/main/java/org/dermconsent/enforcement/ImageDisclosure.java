package org.dermconsent.enforcement;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageFacts;
import org.dermconsent.consent.fhir.FhirImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Media;

import java.util.List;
import java.util.Optional;

/**
 * Whether one stored resource may be disclosed for a request: a Media as its consent decides, a
 * Binary as every image whose bytes it holds decides, anything else always.
 *
 * <p>An image is decided from its consents, unless the caller knows it holds the image's current
 * version and its grant labels still answer ({@link GrantLabels#permits}): the labels of a current
 * version are rewritten in the same transaction as every consent write, so they say what the
 * consents say, without reading them. Old versions keep the labels they were written with, so
 * history is always decided from the consents; so is every denial, which must name its reason.
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
	public Check check(AccessRequest access, Versions versions) {
		return check(access, versions, null);
	}

	/** As {@link #check(AccessRequest, Versions)}, for a REST request, which remembers what it looked up. */
	public Check check(AccessRequest access, Versions versions, RequestDetails request) {
		return new Check(access, versions, decisions.batch(), request);
	}

	/** Whether the resources checked are the current versions (a search) or may be older (history). */
	public enum Versions { CURRENT, ANY }

	public final class Check {
		private final AccessRequest access;
		private final Versions versions;
		private final ImageConsentDecisions.Batch batch;
		private final RequestDetails request;

		private Check(AccessRequest access, Versions versions, ImageConsentDecisions.Batch batch, RequestDetails request) {
			this.access = access;
			this.versions = versions;
			this.batch = batch;
			this.request = request;
		}

		/** The decision that forbids disclosing {@code resource}, or empty if it may be disclosed. */
		public Optional<Decision> denial(IBaseResource resource) {
			if (resource instanceof Media image) {
				return versions == Versions.CURRENT && labelsPermit(image) ? Optional.empty() : denialOf(image);
			}
			if (resource instanceof Binary binary) {
				return denialOfBytes(binary);
			}
			return Optional.empty();
		}

		/**
		 * Bytes an image owns are disclosed as every image that holds them would be; bytes no image
		 * owns (a Patient's document, an image nobody has described yet, the bytes of a deleted image)
		 * are for care only: no patient has been asked about them as an image.
		 */
		private Optional<Decision> denialOfBytes(Binary binary) {
			if (ExportFiles.isExportFile(binary)) {
				// not decided here: an export file belongs to the client and purpose that started the export,
				// which the bulk export's own guard checks; its contents were decided image by image
				return Optional.empty();
			}
			ImageOfBinary.Images found = imageOfBinary.found(binary, request);
			if (!found.ownedByAnImage()) {
				return careOnly();
			}
			// the images were just read: current versions, whatever version of the bytes was asked for
			return found.images().stream().filter(image -> !labelsPermit(image)).map(this::denialOf)
					.flatMap(Optional::stream).findFirst();
		}

		private Optional<Decision> careOnly() {
			return deniedOrEmpty(decider.decide(ImageFacts.anyImage(null), List.of(), access));
		}

		private boolean labelsPermit(Media image) {
			return GrantLabels.permits(FhirImageFacts.grantLabels(image), access).orElse(false);
		}

		private Optional<Decision> denialOf(Media image) {
			return deniedOrEmpty(batch.decide(image, access));
		}
	}

	private static Optional<Decision> deniedOrEmpty(Decision decision) {
		return decision.permit() ? Optional.empty() : Optional.of(decision);
	}
}
