package org.dermconsent.memory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Gives memory back once the server has had no request for a while and its background work has calmed
 * down; the end of startup counts as activity, since the jobs a start leaves behind (reindexing, storing
 * terminology) grow the heap again within seconds of startup's own collection.
 *
 * <p>Under load G1 grows the heap to keep its collections rare, and the JIT and the C library grow
 * native memory; none of it is returned by itself once the load is over (G1 shrinks only after a full
 * or concurrent collection). A full collection costs a pause, so it runs only when no request is being
 * served and none came for {@code quietFor}.
 *
 * <p>Requests are not the only work. The embedded database compacts its file when it has been idle for
 * about as long, allocating a hundred megabytes a second or more for several seconds; when that starts
 * right after the collection (it did in 2 of 7 quiet spells measured), G1, now with a small heap and
 * frequent young collections, grows the heap again by a gigabyte or more and keeps it. So a collection
 * waits for a round in which the server allocated little, and once it has run, it runs again in the same
 * quiet spell only if background work has since grown the heap by a quarter and calmed down again.
 */
final class IdleMemoryReturn {

	/** Far above what an idle server allocates (20-140 KiB/s measured), far below a database compaction. */
	static final long QUIET_ALLOCATION_BYTES_PER_SECOND = 16L << 20;
	/** Committed heap over what the last collection left that counts as regrown. */
	static final double REGROWN = 1.25;

	private final long quietForNanos;
	private final LongSupplier nanoClock;
	private final MemorySignals signals;
	private final Consumer<String> giveBack;
	private final AtomicInteger inFlight = new AtomicInteger();
	private final AtomicLong requestsSeen = new AtomicLong();
	private volatile long lastActivity;
	private volatile boolean givenBackSinceActivity = true; // until startup or a request says otherwise
	private long committedAfterGiveBack = Long.MAX_VALUE;
	private boolean roundSeen;
	private long lastRound;
	private long allocatedAtLastRound;

	IdleMemoryReturn(Duration quietFor, LongSupplier nanoClock, MemorySignals signals, Consumer<String> giveBack) {
		this.quietForNanos = quietFor.toNanos();
		this.nanoClock = nanoClock;
		this.signals = signals;
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

	/** One check (rounds run one at a time); returns whether it gave memory back. */
	synchronized boolean round() {
		long now = nanoClock.getAsLong();
		long allocationRate = allocationRateSinceLastRound(now);
		if (inFlight.get() > 0 || now - lastActivity < quietForNanos || allocationRate > QUIET_ALLOCATION_BYTES_PER_SECOND) {
			return false;
		}
		String reason;
		if (!givenBackSinceActivity) {
			reason = "after " + Duration.ofNanos(quietForNanos).toSeconds() + " s without requests";
		} else if (signals.committedHeapBytes() > committedAfterGiveBack * REGROWN) {
			reason = "again, after background work grew the heap while no request came";
		} else {
			return false;
		}
		givenBackSinceActivity = true;
		giveBack.accept(reason + " (allocating " + (allocationRate >> 10) + " KiB/s)");
		committedAfterGiveBack = signals.committedHeapBytes();
		allocatedAtLastRound = signals.allocatedBytes(); // the collection's own allocation is not background work
		return true;
	}

	/** Bytes per second allocated since the previous round; unknown (so: busy) in the first round. */
	private long allocationRateSinceLastRound(long now) {
		long allocated = signals.allocatedBytes();
		boolean first = !roundSeen;
		long elapsed = now - lastRound;
		long previousAllocated = allocatedAtLastRound;
		roundSeen = true;
		lastRound = now;
		allocatedAtLastRound = allocated;
		if (first || elapsed <= 0) {
			return Long.MAX_VALUE;
		}
		// counters of threads that ended are gone from the sum, so it can fall
		return (long) (Math.max(0, allocated - previousAllocated) * 1e9 / elapsed);
	}
}
