package org.dermconsent.withdrawal;

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
import org.dermconsent.vocabulary.WithdrawalNotices;

import java.util.List;
import java.util.Optional;

/**
 * A client's Task search only ever selects its own withdrawal notices, in the SQL: the disclosure
 * pipeline would leave another client's notice out of a page, but {@code Bundle.total} and
 * {@code _summary=count} would still count it. A search for notices is narrowed to the client's own
 * ({@code owner}); any other Task search leaves notices out unless it already asks for the client's own.
 */
@Interceptor
public class OwnNoticesSearch {

	private static final String CODE = "code";
	private static final String OWNER = "owner";

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void onlyOwnNotices(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails || !"Task".equals(search.getResourceType())) {
			return;
		}
		Optional<String> client = RequestPurpose.client(request);
		if (client.isEmpty()) {
			return; // security off: one client, whose every notice is its own
		}
		String owner = WithdrawalNotices.ownerFor(client.get());
		if (asksOnlyFor(params, OWNER, owner)) {
			return;
		}
		if (asksOnlyFor(params, CODE, WithdrawalNotices.NOTICE_CODE)) {
			params.add(OWNER, new ReferenceParam(owner));
		} else {
			params.add(CODE, new TokenParam(WithdrawalNotices.TASK_TYPE, WithdrawalNotices.WITHDRAWAL_NOTICE)
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
