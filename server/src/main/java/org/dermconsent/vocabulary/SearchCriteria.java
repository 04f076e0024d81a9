package org.dermconsent.vocabulary;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;

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

	/**
	 * Narrows a search so that, of the resources marked by {@code system|code}, it selects only those whose
	 * {@code ownerParam} is {@code owner}: a search that already asks only for the owner's is left alone, a
	 * search by the code is limited to the owner, any other search leaves the marked resources out.
	 */
	public static void selectOnlyOwn(SearchParameterMap params, String ownerParam, String owner, String system, String code) {
		if (asksOnlyFor(params, ownerParam, owner)) {
			return;
		}
		if (asksOnlyFor(params, "code", system + "|" + code)) {
			params.add(ownerParam, new ReferenceParam(owner));
		} else {
			params.add("code", new TokenParam(system, code).setModifier(TokenParamModifier.NOT));
		}
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
