package org.dermconsent.memory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Gives memory back once the server has had no request for a while, once per quiet spell; the end of
 * startup counts as activity, since the jobs a start leaves behind (reindexing, storing terminology) grow
 * the heap again within seconds of startup's own collection.
 *
 * <p>Under load G1 grows the heap to keep its collections rare, and the JIT and the C library grow
 * native memory; none of it is returned by itself once the load is over (G1 shrinks only after a full
 * or concurrent collection). A full collection costs a pause, so it runs only when no request is being
 * served and none came for {@code quietFor}, and not again until requests have come and gone.
 */
final class IdleMemoryReturn {

	private final long quietForNanos;
	private final LongSupplier nanoClock;
	private final Runnable giveBack;
	private final AtomicInteger inFlight = new AtomicInteger();
	private final AtomicLong requestsSeen = new AtomicLong();
	private volatile long lastActivity;
	private volatile boolean givenBackSinceActivity = true; // until startup or a request says otherwise

	IdleMemoryReturn(Duration quietFor, LongSupplier nanoClock, Runnable giveBack) {
		this.quietForNanos = quietFor.toNanos();
		this.nanoClock = nanoClock;
		this.giveBack = giveBack;
		this.lastActivity = nanoClock.getAsLong();
	}

	/** Work other than a request happened (e.g. startup ended): the quiet spell starts again. */
	void activity() {
		givenBackSinceActivity = false;
		lastActivity = nanoClock.getAsLong();
	}

	void requestStarted() {
		inFlight.incrementAndGet();
		requestsSeen.incrementAndGet();
		activity();
	}

	void requestEnded() {
		inFlight.decrementAndGet();
		lastActivity = nanoClock.getAsLong();
	}

	long requestsSeen() {
		return requestsSeen.get();
	}

	/** One check; returns whether it gave memory back. */
	boolean round() {
		if (givenBackSinceActivity || inFlight.get() > 0 || nanoClock.getAsLong() - lastActivity < quietForNanos) {
			return false;
		}
		givenBackSinceActivity = true;
		giveBack.run();
		return true;
	}
}
