package org.dermconsent.request;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.ConsentRequests;
import org.dermconsent.vocabulary.WithdrawalNotices;

import java.util.List;
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
			if (!asksOnlyFor(params, FOR, agency.patient().get())) {
				params.add(FOR, new ReferenceParam(agency.patient().get()));
			}
			return;
		}
		// expiry reminders are the patient's alone
		params.add(CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_EXPIRING)
				.setModifier(TokenParamModifier.NOT));
		String requester = WithdrawalNotices.ownerFor(client.get());
		if (asksOnlyFor(params, REQUESTER, requester)) {
			return;
		}
		if (asksOnlyFor(params, CODE, ConsentRequests.REQUEST_CODE)) {
			params.add(REQUESTER, new ReferenceParam(requester));
		} else {
			params.add(CODE, new TokenParam(ConsentRequests.TASK_TYPE, ConsentRequests.CONSENT_REQUEST)
					.setModifier(TokenParamModifier.NOT));
		}
	}

	/** Whether one of the search's criteria on {@code name} allows nothing but {@code value}. */
	private static boolean asksOnlyFor(SearchParameterMap params, String name, String value) {
		List<List<IQueryParameterType>> criteria = params.get(name);
		if (criteria == null) {
			return false;
		}
		return criteria.stream().anyMatch(anyOf -> anyOf.size() == 1 && value.equals(valueOf(anyOf.get(0))));
	}

	private static String valueOf(IQueryParameterType criterion) {
		if (criterion instanceof ReferenceParam reference && reference.getChain() == null && reference.getMissing() == null) {
			return reference.getResourceType() == null ? reference.getIdPart() : reference.getResourceType() + "/" + reference.getIdPart();
		}
		if (criterion instanceof TokenParam token && token.getModifier() == null && token.getMissing() == null) {
			return token.getSystem() + "|" + token.getValue();
		}
		return null;
	}
}
