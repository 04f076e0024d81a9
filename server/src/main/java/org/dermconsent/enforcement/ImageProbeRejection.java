package org.dermconsent.enforcement;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.HasParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.dermconsent.consent.GrantLabels;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses search criteria that would test properties of images without disclosing them, and so
 * reveal what a denied image shows: {@code _has:Media:...}, chains that pass through a Media
 * ({@code Provenance?target:Media.body-site=...}, {@code Consent?data.created=...}), and queries on
 * the server's own grant labels (which would reveal a patient's other choices), and counts of
 * full-text matches (HAPI takes them from the full-text index, where the consent filter does not apply).
 */
@Interceptor
public class ImageProbeRejection {

	private static final String MEDIA = "Media";

	private final ISearchParamRegistry searchParams;

	public ImageProbeRejection(ISearchParamRegistry searchParams) {
		this.searchParams = searchParams;
	}

	// before SearchPurposeFilter adds the server's own grant-label criteria
	@Hook(value = Pointcut.STORAGE_PRESEARCH_REGISTERED, order = -100)
	public void rejectImageProbes(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		if (MEDIA.equals(search.getResourceType()) && countsFullTextMatches(params)) {
			throw new InvalidRequestException("Counting full-text matches of images (_content or _text with"
					+ " _summary=count or _total=accurate) is not supported: the full-text index counts without the"
					+ " consent filter. Page through the results instead.");
		}
		for (Map.Entry<String, List<List<IQueryParameterType>>> criterion : params.entrySet()) {
			String name = criterion.getKey();
			for (List<IQueryParameterType> anyOf : criterion.getValue()) {
				for (IQueryParameterType value : anyOf) {
					check(search.getResourceType(), name, value);
				}
			}
		}
	}

	private void check(String resourceType, String name, IQueryParameterType value) {
		if (value instanceof HasParam has && MEDIA.equals(has.getTargetResourceType())) {
			throw new InvalidRequestException("_has:Media is not supported: it would reveal properties of images"
					+ " the request may not see. Search Media directly.");
		}
		if (value instanceof ReferenceParam reference && reference.getChain() != null
				&& chainReachesMedia(resourceType, name, reference.getResourceType(), reference.getChain())) {
			throw new InvalidRequestException("Chained search through Media (" + name + "." + reference.getChain()
					+ ") is not supported: it would reveal properties of images the request may not see.");
		}
		if (value instanceof TokenParam token && GrantLabels.SYSTEM.equals(token.getSystem())
				&& (Constants.PARAM_SECURITY.equals(name) || Constants.PARAM_TAG.equals(name))) {
			throw new InvalidRequestException(GrantLabels.SYSTEM + " is reserved to the server and cannot be searched.");
		}
	}

	/** HAPI answers these counts from the full-text index alone, ignoring every other criterion. */
	private static boolean countsFullTextMatches(SearchParameterMap params) {
		boolean fullText = params.containsKey(Constants.PARAM_CONTENT) || params.containsKey(Constants.PARAM_TEXT);
		boolean count = params.getSearchTotalMode() == SearchTotalModeEnum.ACCURATE
				|| SummaryEnum.COUNT == params.getSummaryMode();
		return fullText && count;
	}

	/** Whether any hop of {@code name.chain} may land on a Media (a reference to any type may). */
	private boolean chainReachesMedia(String resourceType, String name, String explicitType, String chain) {
		Set<String> targets = explicitType != null ? Set.of(explicitType) : targets(resourceType, name);
		if (targets.isEmpty() || targets.contains(MEDIA)) {
			return true;
		}
		List<String> hops = Arrays.asList(chain.split("\\."));
		if (hops.size() < 2) {
			return false;
		}
		String[] nextHop = hops.get(0).split(":", 2);
		String rest = String.join(".", hops.subList(1, hops.size()));
		for (String target : targets) {
			RuntimeSearchParam next = searchParams.getActiveSearchParam(target, nextHop[0]);
			if (next != null && next.getParamType() == RestSearchParameterTypeEnum.REFERENCE
					&& chainReachesMedia(target, nextHop[0], nextHop.length > 1 ? nextHop[1] : null, rest)) {
				return true;
			}
		}
		return false;
	}

	private Set<String> targets(String resourceType, String name) {
		RuntimeSearchParam param = searchParams.getActiveSearchParam(resourceType, name);
		return param == null ? Set.of() : param.getTargets();
	}
}
