package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;

import java.util.List;

/** What a search's criteria ask for, for the searches narrowed to a client's own resources. */
public final class SearchCriteria {

	private SearchCriteria() {}

	/**
	 * Whether one of the search's criteria on {@code name} allows nothing but {@code value} (a
	 * reference {@code Type/id}, or a token {@code system|code}), without modifiers or chains.
	 */
	public static boolean asksOnlyFor(SearchParameterMap params, String name, String value) {
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
