package org.dermconsent.request;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A round of background work run every interval on its own daemon thread, from start until stop. */
final class ScheduledRound {

	private final String threadName;
	private final Duration interval;
	private final Runnable round;
	private ScheduledExecutorService executor;

	ScheduledRound(String threadName, Duration interval, Runnable round) {
		this.threadName = threadName;
		this.interval = interval;
		this.round = round;
	}

	synchronized void start() {
		if (executor == null) {
			executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
				Thread thread = new Thread(runnable, threadName);
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	synchronized void stop() {
		if (executor != null) {
			executor.shutdownNow();
			executor = null;
		}
	}
}
