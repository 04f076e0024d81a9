package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.dermconsent.access.JobAccess;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageUse;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;

import java.util.Optional;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.WithdrawalNotices;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.ListResource;
import org.hl7.fhir.r4.model.Media;
import org.dermconsent.vocabulary.Datasets;
import org.hl7.fhir.r4.model.Task;

/**
 * The first step of the disclosure pipeline: may this resource leave, for this request or export
 * job? An image (and its bytes) as its patient's consent decides ({@link ImageDisclosure}), an
 * export file as its job's owner ({@link ExportFileOwnership}), a withdrawal notice, and a Subscription to
 * them, to the client they are for ({@link WithdrawalNotices}), a consent request to its requester and the
 * patient asked ({@link ConsentRequests}), a dataset List to the client it was made for ({@link Datasets}),
 * an AuditEvent for clinical care only
 * (it links images to their patient); anything else may.
 */
public class DisclosureGuard {

	/** For a node whose enforcement is switched off (benchmarks): everything may leave. */
	public static final DisclosureGuard OFF = new DisclosureGuard(null, null);

	private final ImageDisclosure images;
	private final ExportFileOwnership exportFiles;

	public DisclosureGuard(ImageDisclosure images, ExportFileOwnership exportFiles) {
		this.images = images;
		this.exportFiles = exportFiles;
	}

	public Check forRequest(RequestDetails request, ImageDisclosure.Versions versions) {
		if (this == OFF) {
			return Check.NOTHING_DENIED;
		}
		ImageUse purpose = RequestPurpose.of(request);
		return new Check(images.check(RequestPurpose.access(request), versions, request),
				exportFiles.forRequester(purpose, RequestPurpose.client(request)), RequestPurpose.client(request), purpose,
				RequestPurpose.agency(request));
	}

	/** For what an export job writes to its files: the current versions, for the access the job was started with. */
	public Check forJob(JobAccess job) {
		if (this == OFF) {
			return Check.NOTHING_DENIED;
		}
		return new Check(images.check(job.now(), ImageDisclosure.Versions.CURRENT),
				exportFiles.forRequester(job.purpose(), job.client()), job.client(), job.purpose(), NO_AGENCY);
	}

	/** An export job acts for no patient: it sees consent requests only as their requester. */
	private static final RequestPurpose.Agency NO_AGENCY = new RequestPurpose.Agency(Optional.empty(), Optional.empty(), false);
	/**
	 * Whether a denied read of {@code resource} answers as if it did not exist (404) rather than 403:
	 * a dataset tells which images exist and were permitted, so not even its existence is another
	 * client's to know.
	 */
	public static boolean hidesExistence(IBaseResource resource) {
		return resource instanceof ListResource list && Datasets.isDataset(list);
	}

	/** Whether this guard decides images by their consents (it does unless enforcement is off). */
	public boolean decidesImages() {
		return this != OFF;
	}

	/**
	 * For an image a dataset export is about to write: the version of the consent that permits it for
	 * the job now (see {@link ImageDisclosure#permittingConsent}); empty if none does.
	 */
	public Optional<String> permittingConsent(Media image, JobAccess job) {
		return this == OFF ? Optional.empty() : images.permittingConsent(image, job.now());
	}

	/** The guard's answers for one request or job: each patient's consents and each job are looked up once. */
	public static class Check {
		static final Check NOTHING_DENIED = new Check(null, null, Optional.empty(), ImageUse.CLINICAL_CARE, NO_AGENCY);

		private final ImageDisclosure.Check images;
		private final ExportFileOwnership.Owners exportFiles;
		private final Optional<String> client;
		private final ImageUse purpose;
		private final RequestPurpose.Agency agency;

		private Check(ImageDisclosure.Check images, ExportFileOwnership.Owners exportFiles, Optional<String> client,
				ImageUse purpose, RequestPurpose.Agency agency) {
			this.images = images;
			this.exportFiles = exportFiles;
			this.client = client;
			this.purpose = purpose;
			this.agency = agency;
		}

		/** Why {@code resource} may not leave; empty if it may. */
		public Optional<String> denial(IBaseResource resource) {
			if (this == NOTHING_DENIED) {
				return Optional.empty();
			}
			if (resource instanceof AuditEvent && purpose != ImageUse.CLINICAL_CARE) {
				// each names disclosed images and their patient (see SecondaryUseRefusal)
				return Optional.of("AuditEvents are disclosed for clinical-care only");
			}
			if (resource instanceof ListResource list && !Datasets.mayAccess(list, client)) {
				return Optional.of("This dataset was made for another client");
			}
			if (!exportFiles.mayAccess(resource)) {
				return Optional.of("This export file belongs to the client and purpose that started its export");
			}
			if (resource instanceof Task task && !WithdrawalNotices.mayAccess(task, client)) {
				return Optional.of("This withdrawal notice is for another client");
			}
			if (resource instanceof Task task
					&& !ConsentRequests.mayAccess(task, client, agency.patient(), agency.actsForPatients())) {
				return Optional.of("This consent request is another client's");
			}
			if (resource instanceof Subscription subscription && !WithdrawalNotices.mayAccess(subscription, client)) {
				return Optional.of("This Subscription is another client's");
			}
			return images.denial(resource).map(DisclosureGuard::reason);
		}
	}

	private static String reason(Decision denial) {
		return "Access denied by the patient's image consent: " + denial.reason();
	}
}
