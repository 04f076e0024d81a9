package org.dermconsent.dataset;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.vocabulary.Datasets;
import org.dermconsent.vocabulary.SearchCriteria;
import org.dermconsent.vocabulary.WithdrawalNotices;

import java.util.Optional;

/**
 * A client's List search only ever selects its own datasets, in the SQL: a dataset tells which
 * images exist and were permitted, and the disclosure pipeline, which leaves another client's
 * dataset out of a page, would still let {@code Bundle.total} and {@code _summary=count} count it. A
 * search by the dataset code is narrowed to the client's own ({@code source}); any other List search
 * leaves datasets out unless it already asks for the client's own.
 */
@Interceptor
public class OwnDatasetsSearch {

	private static final String SOURCE = "source";

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void onlyOwnDatasets(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails || !"List".equals(search.getResourceType())) {
			return;
		}
		Optional<String> client = RequestPurpose.client(request);
		if (client.isEmpty()) {
			return; // security off: one client, whose every dataset is its own
		}
		String source = WithdrawalNotices.ownerFor(client.get());
		SearchCriteria.selectOnlyOwn(params, SOURCE, source, Datasets.LIST_TYPE, Datasets.DATASET);
	}
}
