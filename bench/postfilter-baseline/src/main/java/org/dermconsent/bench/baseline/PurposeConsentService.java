package org.dermconsent.bench.baseline;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Media;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The benchmark's consent rule, decided per resource after the query, as a HAPI IConsentService does:
 * for a purpose other than clinical care (header {@code X-Purpose-Of-Use}, as DermConsent reads it) a
 * Media is shown only if its patient's governing consent (the newest active derm-image-use Consent)
 * has a permit provision for that purpose, unrestricted or labelled with the image's identifiability.
 * The benchmark only asks for Media; other types pass. Writes are never filtered (HAPI 8.8.0 loses
 * versions when a consent service rejects resources during a write).
 */
final class PurposeConsentService implements IConsentService {

	static final String PURPOSE_HEADER = "X-Purpose-Of-Use";
	static final String CLINICAL_CARE = "clinical-care";
	static final String IMAGE_USE = "https://dermconsent.org/fhir/CodeSystem/image-use";
	static final String IDENTIFIABILITY = "https://dermconsent.org/fhir/CodeSystem/identifiability";
	static final String CONSENT_CATEGORY = "https://dermconsent.org/fhir/CodeSystem/consent-category";
	private static final String DECISIONS = PurposeConsentService.class.getName() + ".decisions";
	private static final Set<RestOperationTypeEnum> READS = EnumSet.of(RestOperationTypeEnum.READ,
			RestOperationTypeEnum.VREAD, RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.GET_PAGE, RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE,
			RestOperationTypeEnum.HISTORY_SYSTEM);

	private final DaoRegistry daoRegistry;

	PurposeConsentService(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	@Override
	public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
		String purpose = request.getHeader(PURPOSE_HEADER);
		if (purpose == null || purpose.isBlank() || CLINICAL_CARE.equals(purpose) || !READS.contains(request.getRestOperationType())) {
			return ConsentOutcome.AUTHORIZED;
		}
		return ConsentOutcome.PROCEED;
	}

	@Override
	public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices services) {
		if (!(resource instanceof Media media)) {
			return ConsentOutcome.PROCEED;
		}
		String patient = media.getSubject().getReferenceElement().getIdPart();
		String identifiability = media.getMeta().getSecurity().stream()
				.filter(c -> IDENTIFIABILITY.equals(c.getSystem())).map(Coding::getCode).findFirst().orElse(null);
		if (patient == null || identifiability == null) {
			return ConsentOutcome.REJECT;
		}
		String purpose = request.getHeader(PURPOSE_HEADER);
		// one consent lookup per patient and request: a page shows several images of one patient
		@SuppressWarnings("unchecked")
		Map<String, Consent> governing = (Map<String, Consent>) request.getUserData().computeIfAbsent(DECISIONS, k -> new HashMap<>());
		Consent consent = governing.computeIfAbsent(patient, this::governingConsent);
		return permits(consent, purpose, identifiability) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
	}

	/** The newest active derm-image-use Consent of the patient, or a placeholder without provisions. */
	private Consent governingConsent(String patient) {
		SearchParameterMap byPatient = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient));
		List<IBaseResource> found = daoRegistry.getResourceDao("Consent").search(byPatient, new SystemRequestDetails()).getAllResources();
		return found.stream().map(Consent.class::cast)
				.filter(c -> c.getStatus() == Consent.ConsentState.ACTIVE)
				.filter(c -> c.getCategory().stream().anyMatch(cat -> cat.hasCoding(CONSENT_CATEGORY, "derm-image-use")))
				.filter(Consent::hasDateTime)
				.max(Comparator.comparing(Consent::getDateTime))
				.orElseGet(Consent::new);
	}

	static boolean permits(Consent consent, String purpose, String identifiability) {
		if (!consent.hasProvision()) {
			return false;
		}
		return consent.getProvision().getProvision().stream()
				.filter(p -> p.getType() == Consent.ConsentProvisionType.PERMIT)
				.filter(p -> p.getPurpose().stream().anyMatch(c -> IMAGE_USE.equals(c.getSystem()) && Objects.equals(purpose, c.getCode())))
				.anyMatch(p -> p.getSecurityLabel().isEmpty()
						|| p.getSecurityLabel().stream().anyMatch(c -> IDENTIFIABILITY.equals(c.getSystem()) && identifiability.equals(c.getCode())));
	}

}
