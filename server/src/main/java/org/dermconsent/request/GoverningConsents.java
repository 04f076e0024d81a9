package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.vocabulary.DermProfiles;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.dermconsent.consent.GuardianConsent;
import org.dermconsent.consent.fhir.FhirConsentMapper;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

import java.time.Instant;
import java.time.LocalDate;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The governing derm image consent of a patient as stored (DESIGN 3: the most recent active one by
 * {@code dateTime}), as FHIR: what a permit is added to, and where a "do not ask me" is read. A guardian's
 * consent for a minor that ended at the 18th birthday ({@link GuardianConsent}) decides nothing any more:
 * it is not returned, so the now-adult patient's answers start from an empty opt-in rather than from
 * everything the guardian allowed.
 */
class GoverningConsents {

	private final IFhirResourceDao<Consent> consents;
	private final IFhirResourceDao<Patient> patients;

	GoverningConsents(DaoRegistry daoRegistry) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
		this.patients = daoRegistry.getResourceDao(Patient.class);
	}

	Optional<Consent> of(String patientReference) {
		return asStored(patientReference).filter(consent -> stillGoverns(consent, patientReference, Instant.now()));
	}

	/** Whether the consent has not stopped governing at {@code now} because the minor it was given for came of age. */
	boolean stillGoverns(Consent consent, String patientReference, Instant now) {
		if (!FhirConsentMapper.performedByGuardian(consent)) {
			return true;
		}
		Instant given = consent.hasDateTime() ? consent.getDateTime().toInstant() : null;
		return GuardianConsent.governsUntil(true, birthDate(patientReference), given).map(now::isBefore).orElse(true);
	}

	LocalDate birthDate(String patientReference) {
		try {
			return FhirConsentMapper.birthDate(patients.read(new IdType(patientReference).toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException missing) {
			return null;
		}
	}

	/**
	 * Every patient's most recent active derm consent as stored, among the first {@code limit} active ones
	 * found: what the background rounds (expiry reminders, guardian handover) look at.
	 */
	List<Consent> latestOfEachPatient(int limit) {
		SearchParameterMap active = SearchParameterMap.newSynchronous()
				.add(Consent.SP_CATEGORY, new TokenParam(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE))
				.add(Consent.SP_STATUS, new TokenParam("active"));
		active.setLoadSynchronousUpTo(limit);
		Map<String, Optional<Consent>> byPatient = consents.searchForIds(active, new SystemRequestDetails()).stream()
				.map(consents::readByPid).filter(Consent::hasDateTime)
				.collect(Collectors.groupingBy(consent -> consent.getPatient().getReference(),
						Collectors.maxBy(Comparator.comparing(Consent::getDateTime))));
		return byPatient.values().stream().flatMap(Optional::stream).toList();
	}

	Optional<Consent> asStored(String patientReference) {
		SearchParameterMap query = SearchParameterMap.newSynchronous()
				.add(Consent.SP_PATIENT, new ReferenceParam(patientReference))
				.add(Consent.SP_CATEGORY, new TokenParam(DermProfiles.CONSENT_CATEGORY_SYSTEM, DermProfiles.DERM_IMAGE_USE))
				.add(Consent.SP_STATUS, new TokenParam("active"));
		// ids, then each Consent by id, as PatientImageConsents does (a search's own loading is guarded)
		return consents.searchForIds(query, new SystemRequestDetails()).stream().map(consents::readByPid)
				.filter(Consent::hasDateTime)
				.max(Comparator.comparing(Consent::getDateTime));
	}
}
