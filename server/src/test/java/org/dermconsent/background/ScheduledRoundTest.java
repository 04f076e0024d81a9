package org.dermconsent.background;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping lets the running round finish uninterrupted (an interrupt would break an H2 file database). */
class ScheduledRoundTest {

	@Test
	void stopWaitsForTheRunningRoundWithoutInterruptingItAndStartsNoOther() throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		AtomicBoolean finished = new AtomicBoolean();
		AtomicInteger rounds = new AtomicInteger();
		ScheduledRound round = new ScheduledRound("test-round", Duration.ZERO, Duration.ofMillis(10), () -> {
			rounds.incrementAndGet();
			running.countDown();
			long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
			while (System.nanoTime() < until) {
				if (Thread.currentThread().isInterrupted()) {
					interrupted.set(true);
					return;
				}
				Thread.onSpinWait();
			}
			finished.set(true);
		});
		round.start();
		assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

		round.stop();

		assertThat(finished).isTrue();
		assertThat(interrupted).isFalse();
		int afterStop = rounds.get();
		Thread.sleep(100);
		assertThat(rounds.get()).isEqualTo(afterStop);
	}

	@Test
	void stopWithoutStartAndTwiceIsHarmless() {
		ScheduledRound round = new ScheduledRound("test-round", Duration.ofSeconds(1), () -> {});
		round.stop();
		round.start();
		round.stop();
		round.stop();
	}
}
