package org.dermconsent.consent.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.consent.ImageConsent;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.Consent;

import java.util.List;

/** Reads every derm image Consent of a patient, whatever its status, for the consent core to judge. */
public class PatientImageConsents {

	private final IFhirResourceDao<Consent> consents;

	public PatientImageConsents(DaoRegistry daoRegistry) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
	}

	public List<ImageConsent> of(String patientReference) {
		return stored(patientReference).stream().map(FhirConsentMapper::toImageConsent).toList();
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
}
