package org.dermconsent.memory;

import org.dermconsent.background.ScheduledRound;
import org.dermconsent.config.StartupStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.time.Duration;

/**
 * Returns the startup's garbage to the operating system before the server takes requests, and what a
 * load left behind once the server is idle.
 */
@Configuration
public class MemoryConfig {

	private static final Logger log = LoggerFactory.getLogger(MemoryConfig.class);

	/**
	 * After the conformance package is installed (the last large allocation of startup) and before the
	 * web server starts at {@code DEFAULT_PHASE - 2048}, so that no request waits on the collection.
	 */
	static final int AFTER_STARTUP_BEFORE_WEB_SERVER = SmartLifecycle.DEFAULT_PHASE - 2560;
	private static final Duration IDLE_CHECK = Duration.ofSeconds(5);

	@Bean
	public HeapReturn heapReturn(MemoryProperties properties) {
		return new HeapReturn(properties.minFreePercent(), properties.maxFreePercent());
	}

	@Bean
	public SmartLifecycle heapReturnAfterStartup(MemoryProperties properties, HeapReturn heapReturn,
			IdleMemoryReturn idle, ScheduledRound idleMemoryRounds) {
		return new StartupStep(AFTER_STARTUP_BEFORE_WEB_SERVER, () -> {
			if (properties.returnUnusedHeap()) {
				heapReturn.applyBounds();
				log.info("Memory after startup: {}", heapReturn.collectIfHeapCanShrink());
				idle.activity();
				idleMemoryRounds.start();
			}
		});
	}

	@Bean
	public IdleMemoryReturn idleMemoryReturn(MemoryProperties properties, HeapReturn heapReturn) {
		return new IdleMemoryReturn(properties.idleAfter(), System::nanoTime, new JvmMemorySignals(),
				reason -> log.info("Memory given back {}: {}", reason, heapReturn.collectIfHeapCanShrink()));
	}

	@Bean
	public FilterRegistrationBean<RequestActivityFilter> requestActivityFilter(IdleMemoryReturn idle) {
		FilterRegistrationBean<RequestActivityFilter> registration = new FilterRegistrationBean<>(new RequestActivityFilter(idle));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	/** Checks for a quiet spell while the server runs; started after startup's collection. */
	@Bean(destroyMethod = "stop")
	public ScheduledRound idleMemoryRounds(IdleMemoryReturn idle) {
		return new ScheduledRound("idle-memory-return", IDLE_CHECK, idle::round);
	}
}
