package org.dermconsent.request;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.SearchCriteria;
import org.dermconsent.vocabulary.WithdrawalNotices;

import java.util.Optional;

/**
 * A Task search selects only the consent requests its requester may see, in the SQL, so that
 * {@code Bundle.total} and {@code _summary=count} never count another client's (the disclosure guard
 * would leave them out of a page, but not out of a count). With security on: a patient-context request
 * sees Tasks for its patient only ({@code for} is added); a clinician acting for patients is not
 * narrowed; any other client's search for consent requests is narrowed to its own
 * ({@code requester=Device/<client id>}), and its other Task searches leave consent requests out unless
 * they ask for its own; no such client's search selects the patients' expiry reminders.
 */
@Interceptor
public class OwnRequestsSearch {

	private static final String CODE = "code";
	private static final String REQUESTER = "requester";
	private static final String FOR = "for";

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void onlyOwnRequests(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails || !"Task".equals(search.getResourceType())) {
			return;
		}
		Optional<String> client = RequestPurpose.client(request);
		RequestPurpose.Agency agency = RequestPurpose.agency(request);
		if (client.isEmpty() || agency.actsForPatients()) {
			return; // security off (one client), or a clinician acting for patients
		}
		if (agency.patient().isPresent()) {
			if (!SearchCriteria.asksOnlyFor(params, FOR, agency.patient().get())) {
				params.add(FOR, new ReferenceParam(agency.patient().get()));
			}
			return;
		}
		// expiry reminders are the patient's alone
		params.add(CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_EXPIRING)
				.setModifier(TokenParamModifier.NOT));
		String requester = WithdrawalNotices.ownerFor(client.get());
		if (SearchCriteria.asksOnlyFor(params, REQUESTER, requester)) {
			return;
		}
		if (SearchCriteria.asksOnlyFor(params, CODE, ConsentRequests.REQUEST_CODE)) {
			params.add(REQUESTER, new ReferenceParam(requester));
		} else {
			params.add(CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_REQUEST)
					.setModifier(TokenParamModifier.NOT));
		}
	}
}
