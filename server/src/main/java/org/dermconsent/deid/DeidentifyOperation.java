package org.dermconsent.deid;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.vocabulary.FhirImageFacts;
import org.dermconsent.consent.fhir.ImageConsentDecisions;
import org.dermconsent.deid.image.CropRegion;
import org.dermconsent.vocabulary.LocalBinaryUrl;
import org.dermconsent.access.RequestPurpose;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code POST Media/{id}/$deidentify}: creates the de-identified derivative of an image and answers
 * 201 Created with the new Media (Location: its URL).
 *
 * <p>Parameters (all optional): {@code crop} ({@code x,y,width,height} in pixels of the image as
 * displayed), {@code attestNonIdentifying} (boolean: the clinician attests the crop shows nothing
 * identifying; required with a crop of a face, head, neck or whole-body image or of one flagged with
 * identifying features), {@code pseudonymize} (boolean, default true: PSEUDED with the patient's
 * stable pseudonym; false: ANONYED with an opaque per-image subject), {@code attester}
 * ({@code Practitioner/{id}} or {@code PractitionerRole/{id}}, recorded in the Provenance).
 *
 * <p>The requester must be allowed to see the source for the request's purpose (403 otherwise):
 * de-identification is a use of the identifiable image. So must they be allowed to read the source's
 * bytes, exactly as a read of that Binary would allow them: an image may name bytes it does not own
 * (through a form of url the server did not recognise when the image was written), and the operation
 * must not read for the request what the request could not read itself.
 */
public class DeidentifyOperation {

	private final Deidentifier deidentifier;
	private final IFhirResourceDao<Binary> binaries;
	private final ImageConsentDecisions decisions;
	private final BooleanSupplier enforcement;

	public DeidentifyOperation(Deidentifier deidentifier, IFhirResourceDao<Binary> binaries, ImageConsentDecisions decisions,
			BooleanSupplier enforcement) {
		this.deidentifier = deidentifier;
		this.binaries = binaries;
		this.decisions = decisions;
		this.enforcement = enforcement;
	}

	@Operation(name = "$deidentify", type = Media.class, idempotent = false)
	public Resource deidentify(
			@IdParam IdType mediaId,
			@OperationParam(name = "crop", min = 0, max = 1) StringType crop,
			@OperationParam(name = "attestNonIdentifying", min = 0, max = 1) BooleanType attest,
			@OperationParam(name = "pseudonymize", min = 0, max = 1) BooleanType pseudonymize,
			@OperationParam(name = "attester", min = 0, max = 1) StringType attester,
			RequestDetails request) {
		ImageUse purpose = RequestPurpose.of(request);
		DeidentificationRequest what = new DeidentificationRequest(
				crop == null || crop.isEmpty() ? null : parse(crop.getValue()),
				attest != null && Boolean.TRUE.equals(attest.getValue()),
				pseudonymize == null || !Boolean.FALSE.equals(pseudonymize.getValue()),
				attester == null || attester.isEmpty() ? null : attester.getValue().trim(),
				purpose);
		Media source = deidentifier.source(mediaId);
		if (enforcement.getAsBoolean()) {
			Decision decision = decisions.decide(source, AccessRequest.of(purpose, Instant.now()));
			if (!decision.permit()) {
				throw new ForbiddenOperationException("Access denied by the patient's image consent: " + decision.reason());
			}
			checkSourceBytesReadable(source, request);
		}

		IdType created = deidentifier.deidentify(source, what, request.getFhirServerBase());

		if (request instanceof ServletRequestDetails servlet && servlet.getServletResponse() != null) {
			servlet.getServletResponse().setStatus(201);
			servlet.getServletResponse().setHeader("Location", request.getFhirServerBase() + "/" + created.getValue()
					+ "/_history/1");
		}
		Media derivative = deidentifier.source(created);
		FhirImageFacts.removeGrantLabels(derivative);
		if (enforcement.getAsBoolean() && !decisions.decide(derivative, AccessRequest.of(purpose, Instant.now())).permit()) {
			OperationOutcome outcome = new OperationOutcome();
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
					.setCode(OperationOutcome.IssueType.INFORMATIONAL)
					.setDiagnostics("Created " + created.getValue() + "; it is not shown because the patient's consent"
							+ " does not permit it for " + purpose.code());
			return outcome;
		}
		return derivative; // the disclosure pipeline audits it and masks its subject as it leaves
	}

	/**
	 * Reads the Binary the source's bytes would be taken from as the request itself (the checks of a
	 * read apply to it); any url whose end reads as a Binary counts, whatever base it gives, as the
	 * bytes are looked up more widely than image writes recognise them. Bytes that do not exist are
	 * left to the de-identification to refuse.
	 */
	private void checkSourceBytesReadable(Media source, RequestDetails request) {
		if (source.getContent().hasData() || !source.getContent().hasUrl()) {
			return;
		}
		Optional<String> binaryId = LocalBinaryUrl.binaryIdIn(source.getContent().getUrl());
		if (binaryId.isEmpty()) {
			return;
		}
		IdType bytes = new IdType("Binary", binaryId.get());
		try {
			binaries.read(bytes, new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return;
		}
		try {
			binaries.read(bytes, request);
		} catch (ResourceNotFoundException | ResourceGoneException | ForbiddenOperationException e) {
			throw new ForbiddenOperationException("Access denied by the patient's image consent: the bytes of Media/"
					+ source.getIdElement().getIdPart() + " are " + bytes.getValue() + ", which this request may not read");
		}
	}

	private static CropRegion parse(String crop) {
		try {
			return CropRegion.parse(crop);
		} catch (IllegalArgumentException e) {
			throw new InvalidRequestException(e.getMessage());
		}
	}
}
