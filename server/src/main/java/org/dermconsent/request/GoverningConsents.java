package org.dermconsent.request;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import org.dermconsent.vocabulary.DermProfiles;
import org.hl7.fhir.r4.model.Consent;

import java.util.Comparator;
import java.util.Optional;

/**
 * The governing derm image consent of a patient as stored (DESIGN 3: the most recent active one by
 * {@code dateTime}), as FHIR: what a permit is added to, and where a "do not ask me" is read.
 */
class GoverningConsents {

	private final IFhirResourceDao<Consent> consents;

	GoverningConsents(DaoRegistry daoRegistry) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
	}

	Optional<Consent> of(String patientReference) {
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
