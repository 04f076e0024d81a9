package org.dermconsent.consent.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.consent.ImageConsent;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.time.LocalDate;
import java.util.List;

/**
 * Reads every derm image Consent of a patient, whatever its status, for the consent core to judge, with
 * the patient's birth date: a guardian's consent for a minor ends at the 18th birthday.
 */
public class PatientImageConsents {

	private final IFhirResourceDao<Consent> consents;
	private final IFhirResourceDao<Patient> patients;

	public PatientImageConsents(DaoRegistry daoRegistry) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
		this.patients = daoRegistry.getResourceDao(Patient.class);
	}

	public List<ImageConsent> of(String patientReference) {
		return asJudged(patientReference, stored(patientReference));
	}

	/** Stored Consents of the patient as the core judges them: a guardian's for a minor ends at the 18th birthday. */
	public List<ImageConsent> asJudged(String patientReference, List<Consent> stored) {
		if (stored.isEmpty()) {
			return List.of();
		}
		LocalDate birthDate = birthDate(patientReference);
		return stored.stream().map(consent -> FhirConsentMapper.toImageConsent(consent, birthDate)).toList();
	}

	/** The patient's derm image Consents as stored (with their versions). */
	public List<Consent> stored(String patientReference) {
		SearchParameterMap query = SearchParameterMap.newSynchronous()
				.add(Consent.SP_PATIENT, new ReferenceParam(patientReference))
				.add(Consent.SP_CATEGORY, new TokenParam(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE));
		// ids, then each Consent by id: see GrantIndex#search for why not searchForResources
		List<IResourcePersistentId<?>> ids = consents.searchForIds(query, new SystemRequestDetails());
		return ids.stream().map(consents::readByPid).toList();
	}

	/** Null when unknown: then no guardian's consent is limited by age. */
	private LocalDate birthDate(String patientReference) {
		IdType id = new IdType(patientReference);
		if (!"Patient".equals(id.getResourceType())) {
			return null;
		}
		try {
			return FhirConsentMapper.birthDate(patients.read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException missing) {
			return null;
		}
	}
}
