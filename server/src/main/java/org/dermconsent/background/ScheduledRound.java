package org.dermconsent.background;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A round of background work run every interval on its own daemon thread, from start until stop.
 *
 * <p>Stopping lets a round that is running finish (up to a grace period) instead of interrupting it: an
 * interrupt that reaches H2 while it reads or writes its file closes the file channel, and the database
 * then fails every later statement of the shutdown, such as storing the audit events still journaled.
 */
public final class ScheduledRound {

	private static final Logger log = LoggerFactory.getLogger(ScheduledRound.class);
	static final Duration GRACE = Duration.ofSeconds(20);

	private final String threadName;
	private final Duration initialDelay;
	private final Duration interval;
	private final Runnable round;
	private ScheduledExecutorService executor;

	public ScheduledRound(String threadName, Duration interval, Runnable round) {
		this(threadName, interval, interval, round);
	}

	public ScheduledRound(String threadName, Duration initialDelay, Duration interval, Runnable round) {
		this.threadName = threadName;
		this.initialDelay = initialDelay;
		this.interval = interval;
		this.round = round;
	}

	public synchronized void start() {
		if (executor == null) {
			executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
				Thread thread = new Thread(runnable, threadName);
				thread.setDaemon(true);
				return thread;
			});
			executor.scheduleWithFixedDelay(round, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/** No new round starts; a running one may finish within the grace period, after which it is interrupted. */
	public synchronized void stop() {
		if (executor == null) {
			return;
		}
		executor.shutdown();
		try {
			if (!executor.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("Background round {} still running {} s after shutdown began; interrupting it", threadName, GRACE.toSeconds());
				executor.shutdownNow();
			}
		} catch (InterruptedException e) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		executor = null;
	}
}
