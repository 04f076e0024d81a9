package org.dermconsent.memory;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Memory is given back once per quiet spell, never while a request is served. */
class IdleMemoryReturnTest {

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);
	private final AtomicInteger givenBack = new AtomicInteger();
	private final IdleMemoryReturn idle = new IdleMemoryReturn(Duration.ofSeconds(30), clock::get, givenBack::incrementAndGet);

	@Test
	void nothingHappensBeforeActivity() {
		advance(Duration.ofMinutes(10));
		assertThat(idle.round()).isFalse();
		assertThat(givenBack).hasValue(0);
	}

	@Test
	void theEndOfStartupStartsAQuietSpell() {
		advance(Duration.ofMinutes(1));
		idle.activity();
		assertThat(idle.round()).isFalse(); // no second collection right after startup's own
		advance(Duration.ofSeconds(30));
		assertThat(idle.round()).isTrue();
		assertThat(idle.round()).isFalse();
		assertThat(givenBack).hasValue(1);
	}

	@Test
	void aQuietSpellAfterRequestsGivesBackOnce() {
		idle.requestStarted();
		idle.requestEnded();
		advance(Duration.ofSeconds(29));
		assertThat(idle.round()).isFalse();
		advance(Duration.ofSeconds(1));
		assertThat(idle.round()).isTrue();
		advance(Duration.ofMinutes(5));
		assertThat(idle.round()).isFalse();
		assertThat(givenBack).hasValue(1);

		idle.requestStarted();
		idle.requestEnded();
		advance(Duration.ofSeconds(30));
		assertThat(idle.round()).isTrue();
		assertThat(givenBack).hasValue(2);
		assertThat(idle.requestsSeen()).isEqualTo(2);
	}

	@Test
	void aLongRequestIsNeverInterrupted() {
		idle.requestStarted();
		advance(Duration.ofMinutes(10));
		assertThat(idle.round()).isFalse();
		idle.requestEnded();
		assertThat(idle.round()).isFalse(); // the quiet spell starts when the request ends
		advance(Duration.ofSeconds(30));
		assertThat(idle.round()).isTrue();
	}

	@Test
	void aRequestThatStartsDuringTheQuietSpellPostponesIt() {
		idle.requestStarted();
		idle.requestEnded();
		advance(Duration.ofSeconds(20));
		idle.requestStarted();
		idle.requestEnded();
		advance(Duration.ofSeconds(20));
		assertThat(idle.round()).isFalse();
		advance(Duration.ofSeconds(10));
		assertThat(idle.round()).isTrue();
	}

	private void advance(Duration by) {
		clock.addAndGet(by.toNanos());
	}
}
