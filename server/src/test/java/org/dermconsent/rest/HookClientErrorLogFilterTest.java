package org.dermconsent.rest;

import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HookClientErrorLogFilterTest {

	private static final String FORMAT = "Exception thrown by interceptor for pointcut {}: {}";

	private final LoggerContext context = new LoggerContext();
	private final Logger hapiHooks = context.getLogger(HookClientErrorLogFilter.HAPI_HOOK_LOGGER);
	private final HookClientErrorLogFilter filter = new HookClientErrorLogFilter();

	@Test
	void dropsClientErrorsThrownByHooks() {
		assertThat(decide(hapiHooks, Level.ERROR, new InvalidRequestException("unknown purpose"))).isEqualTo(FilterReply.DENY);
		assertThat(decide(hapiHooks, Level.ERROR, new ForbiddenOperationException("not consented"))).isEqualTo(FilterReply.DENY);
	}

	@Test
	void keepsServerErrorsAndOtherFailures() {
		assertThat(decide(hapiHooks, Level.ERROR, new InternalErrorException("broken"))).isEqualTo(FilterReply.NEUTRAL);
		assertThat(decide(hapiHooks, Level.ERROR, new IllegalStateException("bug"))).isEqualTo(FilterReply.NEUTRAL);
		assertThat(decide(hapiHooks, Level.ERROR, null)).isEqualTo(FilterReply.NEUTRAL);
	}

	@Test
	void leavesOtherLoggersAndLevelsAlone() {
		Logger other = context.getLogger("org.dermconsent.audit.AuditTrail");
		assertThat(decide(other, Level.ERROR, new InvalidRequestException("x"))).isEqualTo(FilterReply.NEUTRAL);
		assertThat(decide(hapiHooks, Level.WARN, new InvalidRequestException("x"))).isEqualTo(FilterReply.NEUTRAL);
	}

	@Test
	void findsTheExceptionWhetherPassedAsThrowableOrAsLastArgument() {
		InvalidRequestException refused = new InvalidRequestException("x");
		assertThat(filter.decide(null, hapiHooks, Level.ERROR, FORMAT, null, refused)).isEqualTo(FilterReply.DENY);
		assertThat(filter.decide(null, hapiHooks, Level.ERROR, FORMAT, new Object[] {"P", "x", refused}, null))
				.isEqualTo(FilterReply.DENY);
	}

	private FilterReply decide(Logger logger, Level level, Exception thrown) {
		Object[] params = thrown == null ? new Object[] {"POINTCUT", "message"} : new Object[] {"POINTCUT", thrown.toString(), thrown};
		return filter.decide(null, logger, level, FORMAT, params, null);
	}
}
