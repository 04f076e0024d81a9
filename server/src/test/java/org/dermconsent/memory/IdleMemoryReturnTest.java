package org.dermconsent.memory;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory is given back once the server is quiet (no request for 30 s, little allocation), never while a
 * request is served, and once more in the same quiet spell only after background work regrew the heap.
 */
class IdleMemoryReturnTest {

	private static final long MIB = 1 << 20;
	private static final Duration ROUND = Duration.ofSeconds(5);

	private final AtomicLong clock = new AtomicLong(-7_000_000_000L); // System.nanoTime may be negative
	private final AtomicLong allocated = new AtomicLong();
	private final AtomicLong committed = new AtomicLong(2048 * MIB);
	private final AtomicLong allocationPerSecond = new AtomicLong(2 * MIB); // an idle server's trickle
	private final List<String> givenBack = new ArrayList<>();
	private final IdleMemoryReturn idle = new IdleMemoryReturn(Duration.ofSeconds(30), clock::get,
			new MemorySignals() {
				@Override
				public long allocatedBytes() {
					return allocated.get();
				}

				@Override
				public long committedHeapBytes() {
					return committed.get();
				}
			},
			reason -> {
				givenBack.add(reason);
				committed.set(450 * MIB);
				allocated.addAndGet(40 * MIB); // the collection and the trim allocate too
			});

	@Test
	void nothingHappensBeforeActivity() {
		rounds(Duration.ofMinutes(10));
		assertThat(givenBack).isEmpty();
	}

	@Test
	void theEndOfStartupStartsAQuietSpell() {
		rounds(Duration.ofMinutes(1));
		idle.activity();
		assertThat(round()).isFalse(); // no second collection right after startup's own
		assertThat(rounds(Duration.ofSeconds(20))).isZero();
		assertThat(round()).isTrue();
		assertThat(rounds(Duration.ofMinutes(5))).isZero();
		assertThat(givenBack).containsExactly("after 30 s without requests (allocating 2048 KiB/s)");
	}

	@Test
	void aQuietSpellAfterRequestsGivesBackOnce() {
		round();
		request();
		assertThat(rounds(Duration.ofSeconds(25))).isZero();
		assertThat(round()).isTrue();
		assertThat(rounds(Duration.ofMinutes(5))).isZero();

		request();
		assertThat(rounds(Duration.ofSeconds(30))).isOne();
		assertThat(givenBack).hasSize(2);
		assertThat(idle.requestsSeen()).isEqualTo(2);
	}

	@Test
	void theFirstRoundOnlyMeasures() {
		request();
		advance(Duration.ofMinutes(2));
		assertThat(idle.round()).isFalse(); // how much the server allocates is not known yet
		assertThat(round()).isTrue();
	}

	@Test
	void aLongRequestIsNeverInterrupted() {
		round();
		idle.requestStarted();
		assertThat(rounds(Duration.ofMinutes(10))).isZero();
		idle.requestEnded();
		assertThat(idle.round()).isFalse(); // the quiet spell starts when the request ends
		assertThat(rounds(Duration.ofSeconds(30))).isOne();
	}

	@Test
	void aRequestThatStartsDuringTheQuietSpellPostponesIt() {
		round();
		request();
		rounds(Duration.ofSeconds(20));
		request();
		assertThat(rounds(Duration.ofSeconds(25))).isZero();
		assertThat(round()).isTrue();
	}

	@Test
	void backgroundWorkPostponesTheCollectionUntilItCalmsDown() {
		round();
		request();
		allocationPerSecond.set(150 * MIB); // the database compacting its file
		assertThat(rounds(Duration.ofMinutes(2))).isZero();
		allocationPerSecond.set(3 * MIB);
		assertThat(round()).isTrue();
	}

	@Test
	void backgroundWorkThatRegrowsTheHeapAfterTheCollectionIsCollectedOnceItIsOver() {
		givenBackAfterARequest();
		allocationPerSecond.set(150 * MIB);
		committed.set(1300 * MIB); // G1 grew the small heap again
		assertThat(rounds(Duration.ofSeconds(20))).isZero();
		allocationPerSecond.set(2 * MIB);
		assertThat(rounds(Duration.ofSeconds(15))).isOne();
		assertThat(givenBack.get(1)).startsWith("again, after background work grew the heap while no request came");
		assertThat(rounds(Duration.ofMinutes(10))).isZero(); // 450 MiB again: nothing regrew
	}

	@Test
	void aHeapThatRegrewIsCollectedAgainAtTheFirstCalmRound() {
		givenBackAfterARequest();
		allocationPerSecond.set(150 * MIB);
		committed.set(1300 * MIB);
		assertThat(round()).isFalse();
		allocationPerSecond.set(2 * MIB);
		assertThat(round()).isTrue();
		assertThat(givenBack).hasSize(2);
	}

	@Test
	void aHeapThatGrewALittleIsLeftAlone() {
		givenBackAfterARequest();
		committed.set(540 * MIB); // +20%: G1's own margin, not background work
		assertThat(rounds(Duration.ofMinutes(10))).isZero();
	}

	@Test
	void threadsThatEndedDoNotMakeTheServerLookBusyOrIdle() {
		round();
		request();
		rounds(Duration.ofSeconds(25));
		allocated.addAndGet(-500 * MIB); // their counters leave the sum
		assertThat(round()).isTrue();
	}

	/** A request, then the quiet spell's collection. */
	private void givenBackAfterARequest() {
		round();
		request();
		assertThat(rounds(Duration.ofSeconds(30))).isOne();
	}

	private void request() {
		idle.requestStarted();
		idle.requestEnded();
	}

	/** Rounds every 5 s, as the server runs them, for this long; returns how many gave memory back. */
	private int rounds(Duration duration) {
		int gave = 0;
		for (long n = duration.dividedBy(ROUND); n > 0; n--) {
			gave += round() ? 1 : 0;
		}
		return gave;
	}

	private boolean round() {
		advance(ROUND);
		allocated.addAndGet(allocationPerSecond.get() * ROUND.toSeconds());
		return idle.round();
	}

	private void advance(Duration by) {
		clock.addAndGet(by.toNanos());
	}
}
