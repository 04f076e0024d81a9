package org.dermconsent.memory;

import org.dermconsent.config.StartupStep;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Returns the startup's garbage to the operating system before the server takes requests. */
@Configuration
public class MemoryConfig {

	/**
	 * After the conformance package is installed (the last large allocation of startup) and before the
	 * web server starts at {@code DEFAULT_PHASE - 2048}, so that no request waits on the collection.
	 */
	static final int AFTER_STARTUP_BEFORE_WEB_SERVER = SmartLifecycle.DEFAULT_PHASE - 2560;

	@Bean
	public SmartLifecycle heapReturnAfterStartup(MemoryProperties properties) {
		HeapReturn heapReturn = new HeapReturn(properties.minFreePercent(), properties.maxFreePercent(),
				properties.idleCollection());
		return new StartupStep(AFTER_STARTUP_BEFORE_WEB_SERVER, () -> {
			if (properties.returnUnusedHeap()) {
				heapReturn.applyAndCollect();
			}
		});
	}
}
