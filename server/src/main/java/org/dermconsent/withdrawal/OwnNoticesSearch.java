package org.dermconsent.withdrawal;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.SearchCriteria;
import org.dermconsent.vocabulary.WithdrawalNotices;

import java.util.Optional;

/**
 * A client's Task search only ever selects its own withdrawal notices, in the SQL: the disclosure
 * pipeline would leave another client's notice out of a page, but {@code Bundle.total} and
 * {@code _summary=count} would still count it. A search for notices is narrowed to the client's own
 * ({@code owner}); any other Task search leaves notices out unless it already asks for the client's own.
 */
@Interceptor
public class OwnNoticesSearch {

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
		SearchCriteria.selectOnlyOwn(params, OWNER, owner, WithdrawalNotices.TASK_TYPE, WithdrawalNotices.WITHDRAWAL_NOTICE);
	}
}
