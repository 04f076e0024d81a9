package org.dermconsent.enforcement;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.model.entity.TagTypeEnum;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import org.dermconsent.access.RequestPurpose;
import org.dermconsent.consent.GrantLabels;
import org.dermconsent.enforcement.H2LabelJoinOrder.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;


/**
 * Puts the consent filter into the SQL of every image search: a Media search only ever selects
 * images whose grant labels permit the request's purpose. Paging, {@code _total} and
 * {@code _summary=count} are therefore exact, and pages are full however few images are permitted.
 */
@Interceptor
public class SearchPurposeFilter {

	/**
	 * A grant-label code no image carries (every code {@link GrantLabels} writes starts with a use or
	 * with {@code valid-until=}). Offered as one more alternative of the label criterion, it changes no
	 * result, but H2 then rates the label criterion as the costlier one and starts from the client's tags.
	 */
	static final String JOIN_LATER = "#join-later";

	private final H2LabelJoinOrder joinOrder;
	private final PostgresTagIndex tagIndex;

	public SearchPurposeFilter(H2LabelJoinOrder joinOrder, PostgresTagIndex tagIndex) {
		this.joinOrder = joinOrder;
		this.tagIndex = tagIndex;
	}

	// after ImageProbeRejection has checked the client's own criteria
	@Hook(value = Pointcut.STORAGE_PRESEARCH_REGISTERED, order = 100)
	public void restrictToPermittedImages(ICachedSearchDetails search, RequestDetails request, SearchParameterMap params) {
		if (request == null || request instanceof SystemRequestDetails || !"Media".equals(search.getResourceType())) {
			return;
		}
		GrantLabels.Filter filter = GrantLabels.filterFor(RequestPurpose.access(request));
		List<Tag> label = filter.anyOf().stream().map(code -> new Tag(TagTypeEnum.SECURITY_LABEL, GrantLabels.SYSTEM, code)).toList();
		Optional<List<List<Tag>>> clientTags = clientTags(params);
		boolean joinLabelLater = clientTags.map(tags -> joinOrder.startFromClientTags(tags, label)).orElse(false);
		clientTags.ifPresent(tags -> tagIndex.searchClientTagsThere(params, tags));
		add(params, filter, joinLabelLater);
	}

	static void add(SearchParameterMap params, GrantLabels.Filter filter, boolean joinLabelLater) {
		TokenOrListParam anyOf = new TokenOrListParam();
		filter.anyOf().forEach(code -> anyOf.addOr(new TokenParam(GrantLabels.SYSTEM, code)));
		if (joinLabelLater) {
			anyOf.addOr(new TokenParam(GrantLabels.SYSTEM, JOIN_LATER));
		}
		params.add(Constants.PARAM_SECURITY, anyOf);
		filter.noneOf().forEach(code -> params.add(Constants.PARAM_SECURITY,
				new TokenParam(GrantLabels.SYSTEM, code).setModifier(TokenParamModifier.NOT)));
	}

	/** The search's {@code _tag} criteria, when each is a plain list of system|code alternatives. */
	private static Optional<List<List<Tag>>> clientTags(SearchParameterMap params) {
		List<List<IQueryParameterType>> criteria = params.get(Constants.PARAM_TAG);
		if (criteria == null || criteria.isEmpty()) {
			return Optional.empty();
		}
		List<List<Tag>> tags = new ArrayList<>();
		for (List<IQueryParameterType> alternatives : criteria) {
			List<Tag> oneOf = new ArrayList<>();
			for (IQueryParameterType alternative : alternatives) {
				if (!(alternative instanceof TokenParam token) || token.getModifier() != null
						|| token.getSystem() == null || token.getSystem().isEmpty() || token.getValue() == null) {
					return Optional.empty();
				}
				oneOf.add(new Tag(TagTypeEnum.TAG, token.getSystem(), token.getValue()));
			}
			tags.add(oneOf);
		}
		return Optional.of(tags);
	}
}
