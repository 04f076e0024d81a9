package org.dermconsent.rest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;

import java.util.List;

/**
 * Checks the paging parameters before HAPI acts on them: {@code _count}, {@code _offset} and
 * {@code _getpagesoffset} are whole numbers from 0 (a negative offset reached the database as
 * such and failed there), and a page of results ({@code _getpages}) is fetched with GET, as the
 * next/previous links say; a form-encoded POST of it is refused rather than half-understood.
 */
@Interceptor
public class PagingParametersInterceptor {

	private static final List<String> COUNTS = List.of(
			Constants.PARAM_COUNT, Constants.PARAM_OFFSET, Constants.PARAM_PAGINGOFFSET);

	@Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED, order = -1000)
	public boolean checkPaging(HttpServletRequest request) {
		if (!"GET".equals(request.getMethod()) && request.getParameter(Constants.PARAM_PAGINGACTION) != null) {
			throw new InvalidRequestException("A page of search results (" + Constants.PARAM_PAGINGACTION
					+ ") is fetched with GET, following the Bundle's next/previous link");
		}
		for (String name : COUNTS) {
			String[] values = request.getParameterValues(name);
			if (values == null) {
				continue;
			}
			for (String value : values) {
				if (!isWholeNumber(value)) {
					throw new InvalidRequestException("Invalid " + name + " '" + value
							+ "': it is a whole number from 0");
				}
			}
		}
		return true;
	}

	private static boolean isWholeNumber(String value) {
		if (value == null || value.isEmpty() || value.length() > 9) {
			return false;
		}
		return value.chars().allMatch(c -> c >= '0' && c <= '9');
	}
}
