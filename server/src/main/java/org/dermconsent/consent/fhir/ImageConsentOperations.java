package org.dermconsent.consent.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.dermconsent.consent.AccessRequest;
import org.dermconsent.consent.ConsentSummary;
import org.dermconsent.consent.Decision;
import org.dermconsent.consent.Identifiability;
import org.dermconsent.consent.ImageUse;
import org.dermconsent.consent.InvalidPurposeException;
import org.dermconsent.consent.PurposeResolver;
import org.dermconsent.access.RequestPurpose;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

import java.time.Instant;

/**
 * {@code Media/{id}/$consent-decision} explains what the consent rules decide for one image and
 * purpose; {@code Patient/{id}/$image-consent-summary} lists a patient's choices for every use and
 * identifiability, for apps that show patients what they agreed to.
 */
public class ImageConsentOperations {

	private final DaoRegistry daoRegistry;
	private final ImageConsentDecisions decisions;

	public ImageConsentOperations(DaoRegistry daoRegistry, ImageConsentDecisions decisions) {
		this.daoRegistry = daoRegistry;
		this.decisions = decisions;
	}

	@Operation(name = "$consent-decision", idempotent = true, type = Media.class)
	public Parameters consentDecision(
			@IdParam IdType mediaId,
			@OperationParam(name = "purpose", min = 0, max = 1) StringType purpose,
			@OperationParam(name = "actor", min = 0, max = 1) StringType actor,
			RequestDetails request) {
		ImageUse use = purpose == null || purpose.isEmpty() ? RequestPurpose.of(request) : resolve(purpose.getValue());
		Media image = daoRegistry.getResourceDao(Media.class).read(mediaId.toUnqualifiedVersionless(), new SystemRequestDetails());
		AccessRequest access = actor == null || actor.isEmpty()
				? AccessRequest.of(use, Instant.now())
				: AccessRequest.of(use, Instant.now(), actor.getValue());

		Decision decision = decisions.decide(image, access);

		Parameters result = new Parameters();
		result.addParameter().setName("decision").setValue(new CodeType(decision.permit() ? "permit" : "deny"));
		result.addParameter().setName("purpose").setValue(purposeCoding(decision.purpose()));
		result.addParameter().setName("identifiability").setValue(identifiabilityCoding(decision.identifiability()));
		if (decision.decidingConsent() != null) {
			result.addParameter().setName("consent").setValue(new Reference(decision.decidingConsent()));
			result.addParameter().setName("provision").setValue(new StringType(decision.decidingProvision()));
		}
		result.addParameter().setName("reason").setValue(new StringType(decision.reason()));
		return result;
	}

	@Operation(name = "$image-consent-summary", idempotent = true, type = Patient.class)
	public Parameters imageConsentSummary(@IdParam IdType patientId) {
		IdType patient = patientId.toUnqualifiedVersionless();
		daoRegistry.getResourceDao(Patient.class).read(patient, new SystemRequestDetails());

		ConsentSummary summary = decisions.summary("Patient/" + patient.getIdPart(), Instant.now());

		Parameters result = new Parameters();
		if (summary.governingConsent() != null) {
			result.addParameter().setName("governingConsent").setValue(new Reference(summary.governingConsent()));
		}
		for (Decision decision : summary.decisions()) {
			Parameters.ParametersParameterComponent grant = result.addParameter().setName("grant");
			grant.addPart().setName("purpose").setValue(purposeCoding(decision.purpose()));
			grant.addPart().setName("identifiability").setValue(identifiabilityCoding(decision.identifiability()));
			grant.addPart().setName("decision").setValue(new CodeType(decision.permit() ? "permit" : "deny"));
			if (decision.decidingConsent() != null) {
				grant.addPart().setName("consent").setValue(new Reference(decision.decidingConsent()));
			}
			grant.addPart().setName("reason").setValue(new StringType(decision.reason()));
		}
		return result;
	}

	private static ImageUse resolve(String purpose) {
		try {
			return PurposeResolver.resolveRequested(purpose.trim());
		} catch (InvalidPurposeException e) {
			throw new InvalidRequestException("purpose: " + e.getMessage());
		}
	}

	private static Coding purposeCoding(ImageUse use) {
		return new Coding(ImageUse.SYSTEM, use.code(), null);
	}

	private static Coding identifiabilityCoding(Identifiability identifiability) {
		return new Coding(Identifiability.SYSTEM, identifiability.code(), null);
	}
}
