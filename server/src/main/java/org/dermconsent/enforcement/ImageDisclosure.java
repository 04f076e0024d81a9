package org.dermconsent.enforcement;

import org.dermconsent.vocabulary.ExportFiles;
import org.dermconsent.vocabulary.ImageOfBinary;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentDecider;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageFacts;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>Every version is judged by today's facts: a version that may be older than the current one
 * (history, vread, a write's answer) is disclosed only if its own facts permit it and the image's
 * current version may be disclosed too; an image deleted since is for clinical care only. An
 * image relabelled identifiable, or moved to a patient who did not consent, is then out of every
 * version's reach at once.
 */
public class ImageDisclosure {

	private final ImageConsentDecisions decisions;
	private final ImageOfBinary imageOfBinary;
	private final IFhirResourceDao<Media> images;
	private final ConsentDecider decider = new ConsentDecider();

	public ImageDisclosure(ImageConsentDecisions decisions, DaoRegistry daoRegistry) {
		this.decisions = decisions;
		this.imageOfBinary = new ImageOfBinary(daoRegistry);
		this.images = daoRegistry.getResourceDao(Media.class);
	}

	/** For checking many resources at once: each patient's consents are read once. */
	public Check check(AccessRequest access, Versions versions) {
		return check(access, versions, null);
	}

	/** As {@link #check(AccessRequest, Versions)}, for a REST request, which remembers what it looked up. */
	public Check check(AccessRequest access, Versions versions, RequestDetails request) {
		return new Check(access, versions, decisions.batch(), request);
	}

	/**
	 * The version of the consent whose decision permits {@code image} for {@code access} now, as a
	 * versioned reference ({@code Consent/7/_history/2}); empty if it is not permitted, or not by a
	 * consent (the default policy permits clinical care only). The same consent-core decision as every
	 * denial, from the consents as read now.
	 */
	public Optional<String> permittingConsent(Media image, AccessRequest access) {
		ImageConsentDecisions.Batch batch = decisions.batch();
		Decision decision = batch.decide(image, access);
		return decision.permit() ? batch.decidingVersion(decision) : Optional.empty();
	}

	/** Whether the resources checked are the current versions (a search) or may be older (history, writes). */
	public enum Versions { CURRENT, ANY }

	public final class Check {
		private final AccessRequest access;
		private final Versions versions;
		private final ImageConsentDecisions.Batch batch;
		private final RequestDetails request;
		/** The current version of each image met, by id; empty for an image deleted (or never stored). */
		private final Map<String, Optional<Media>> currentVersions = new HashMap<>();

		private Check(AccessRequest access, Versions versions, ImageConsentDecisions.Batch batch, RequestDetails request) {
			this.access = access;
			this.versions = versions;
			this.batch = batch;
			this.request = request;
		}

		/** The decision that forbids disclosing {@code resource}, or empty if it may be disclosed. */
		public Optional<Decision> denial(IBaseResource resource) {
			if (resource instanceof Media image) {
				if (versions == Versions.CURRENT) {
					return labelsPermit(image) ? Optional.empty() : denialOf(image);
				}
				Optional<Decision> ownFacts = denialOf(image);
				return ownFacts.isPresent() ? ownFacts : denialOfCurrentVersion(image);
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

		private Optional<Decision> denialOfCurrentVersion(Media version) {
			if (!version.getIdElement().hasIdPart()) {
				return Optional.empty(); // not stored: nothing else is known of it
			}
			Optional<Media> current = currentVersions.computeIfAbsent(version.getIdElement().getIdPart(), this::currentVersion);
			if (current.isEmpty()) {
				return careOnly();
			}
			if (current.get().getIdElement().getVersionIdPart() != null
					&& current.get().getIdElement().getVersionIdPart().equals(version.getIdElement().getVersionIdPart())) {
				return Optional.empty(); // the version checked is the current one
			}
			return labelsPermit(current.get()) ? Optional.empty() : denialOf(current.get());
		}

		private Optional<Media> currentVersion(String id) {
			try {
				Media current = images.read(new IdType("Media", id), new SystemRequestDetails(), true);
				return ResourceMetadataKeyEnum.DELETED_AT.get(current) != null ? Optional.empty() : Optional.of(current);
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				return Optional.empty();
			}
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
