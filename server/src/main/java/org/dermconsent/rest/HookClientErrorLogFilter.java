package org.dermconsent.rest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps the client's own mistakes out of the error log.
 *
 * <p>HAPI logs every exception a hook throws as an ERROR with its stack trace, before it answers
 * the request. DermConsent's hooks refuse requests on purpose with 4xx (an unknown purpose of use,
 * an image the patient has not consented to, a probe of the consent labels): each of those is
 * already answered with an OperationOutcome and recorded in the request log, and logging it as an
 * ERROR would bury the server's real errors. Server errors (5xx) and everything else still pass.
 */
public class HookClientErrorLogFilter extends TurboFilter {

	static final String HAPI_HOOK_LOGGER = "ca.uhn.fhir.interceptor.executor.BaseInterceptorService";

	/**
	 * Adds the filter to the running Logback, once however many application contexts start in this
	 * JVM; in code rather than in logback-spring.xml so that it also applies under the tests' config.
	 */
	public static synchronized HookClientErrorLogFilter install() {
		LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
		for (TurboFilter installed : logging.getTurboFilterList()) {
			if (installed instanceof HookClientErrorLogFilter filter) {
				return filter;
			}
		}
		HookClientErrorLogFilter filter = new HookClientErrorLogFilter();
		filter.setName("hook-client-errors");
		filter.start();
		logging.addTurboFilter(filter);
		return filter;
	}

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable thrown) {
		if (level != Level.ERROR || logger == null || !HAPI_HOOK_LOGGER.equals(logger.getName())) {
			return FilterReply.NEUTRAL;
		}
		Throwable cause = thrown != null ? thrown : lastThrowable(params);
		return isClientError(cause) ? FilterReply.DENY : FilterReply.NEUTRAL;
	}

	private static Throwable lastThrowable(Object[] params) {
		return params != null && params.length > 0 && params[params.length - 1] instanceof Throwable t ? t : null;
	}

	private static boolean isClientError(Throwable thrown) {
		return thrown instanceof BaseServerResponseException response
				&& response.getStatusCode() >= 400 && response.getStatusCode() < 500;
	}
}
