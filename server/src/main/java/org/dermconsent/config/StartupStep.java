package org.dermconsent.config;

import org.springframework.context.SmartLifecycle;

/**
 * Work that must be done once during startup at a given lifecycle phase, e.g. before the web server
 * starts taking requests at {@code SmartLifecycle.DEFAULT_PHASE - 2048} (lower phases start first).
 */
public final class StartupStep implements SmartLifecycle {

	private final int phase;
	private final Runnable work;
	private volatile boolean running;

	public StartupStep(int phase, Runnable work) {
		this.phase = phase;
		this.work = work;
	}

	@Override
	public void start() {
		work.run();
		running = true;
	}

	@Override
	public void stop() {
		running = false;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	@Override
	public int getPhase() {
		return phase;
	}
}
