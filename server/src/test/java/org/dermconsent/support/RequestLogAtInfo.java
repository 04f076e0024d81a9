package org.dermconsent.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.dermconsent.rest.FhirEndpointConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** The tests' logging config keeps the request log quiet; tests of it see it as production logs it. */
public class RequestLogAtInfo implements BeforeEachCallback, AfterEachCallback {

	private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RequestLogAtInfo.class);
	private static final Logger REQUEST_LOG = (Logger) LoggerFactory.getLogger(FhirEndpointConfig.REQUEST_LOG);

	@Override
	public void beforeEach(ExtensionContext context) {
		context.getStore(NAMESPACE).put("configured", REQUEST_LOG.getLevel() == null ? "" : REQUEST_LOG.getLevel().levelStr);
		REQUEST_LOG.setLevel(Level.INFO);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		String configured = context.getStore(NAMESPACE).get("configured", String.class);
		REQUEST_LOG.setLevel(configured == null || configured.isEmpty() ? null : Level.toLevel(configured));
	}
}
