package org.dermconsent.enforcement;

import org.dermconsent.access.RequestPurpose;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.consent.GrantLabels;


/**
 * Puts the consent filter into the SQL of every image search: a Media search only ever selects
 * images whose grant labels permit the request's purpose. Paging, {@code _total} and
 * {@code _summary=count} are therefore exact, and pages are full however few images are permitted.
 */
@Interceptor
public class SearchPurposeFilter {

	// after ImageProbeRejection has checked the client's own criteria
	@Hook(value = Pointcut.STORAGE_PRESEARCH_REGISTERED, order = 100)
	public void restrictToPermittedImages(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails || !"Media".equals(search.getResourceType())) {
			return;
		}
		add(params, GrantLabels.filterFor(RequestPurpose.access(request)));
	}

	static void add(SearchParameterMap params, GrantLabels.Filter filter) {
		TokenOrListParam anyOf = new TokenOrListParam();
		filter.anyOf().forEach(code -> anyOf.addOr(new TokenParam(GrantLabels.SYSTEM, code)));
		params.add(Constants.PARAM_SECURITY, anyOf);
		filter.noneOf().forEach(code -> params.add(Constants.PARAM_SECURITY,
				new TokenParam(GrantLabels.SYSTEM, code).setModifier(TokenParamModifier.NOT)));
	}
}
