package dev.evstream.core.memory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class InMemoryTicketStoreTests {

	private static final Duration TTL = Duration.ofSeconds(30);

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private InMemoryTicketStore store(int maxTickets) {
		return new InMemoryTicketStore(maxTickets, this.clock::get);
	}

	@Test
	void ticketShouldBeTakenUntilItsTimeToLiveRunsOut() {
		InMemoryTicketStore store = store(10);
		store.put("kept", "a", TTL).block();
		store.put("expired", "b", TTL).block();
		this.clock.addAndGet(TTL.toNanos() - 1);
		assertThat(store.take("kept").block()).isEqualTo("a");
		this.clock.addAndGet(1);
		assertThat(store.take("expired").block()).isNull();
	}

	@Test
	void ticketsNeverTakenShouldBeSweptOnceExpired() {
		InMemoryTicketStore store = store(1000);
		for (int i = 0; i < 1000; i++) {
			store.put("unused-" + i, "v", TTL).block();
		}
		this.clock.addAndGet(TTL.toNanos());
		store.take("unknown").block();
		assertThat(store.size()).isZero();
	}

	@Test
	void ticketPutForLongerThanTheEldestShouldNotHoldTheSweepOfTheOthers() {
		InMemoryTicketStore store = store(2);
		store.put("long", "v", TTL.multipliedBy(10)).block();
		store.put("short", "v", TTL).block();
		this.clock.addAndGet(TTL.toNanos());
		assertThat(store.put("next", "v", TTL).block()).isTrue();
		assertThat(store.size()).isEqualTo(2);
		assertThat(store.take("short").block()).isNull();
		assertThat(store.take("long").block()).isEqualTo("v");
	}

	@Test
	void putBeyondTheMaximumOfLiveTicketsShouldFailAndStoreNothing() {
		InMemoryTicketStore store = store(3);
		for (int i = 0; i < 3; i++) {
			store.put("live-" + i, "v", TTL).block();
		}
		assertThatIllegalStateException().isThrownBy(() -> store.put("one-too-many", "v", TTL).block())
			.withMessage("Cannot keep ticket: the maximum of 3 live tickets is reached");
		assertThat(store.size()).isEqualTo(3);
		assertThat(store.put("live-0", "other", TTL).block()).isFalse();
		store.take("live-0").block();
		assertThat(store.put("one-too-many", "v", TTL).block()).isTrue();
	}

	@Test
	void fullStoreShouldMakeRoomOnceTicketsExpired() {
		InMemoryTicketStore store = store(3);
		store.put("long", "v", TTL.multipliedBy(10)).block();
		store.put("short-1", "v", TTL).block();
		store.put("short-2", "v", TTL).block();
		assertThatIllegalStateException().isThrownBy(() -> store.put("refused", "v", TTL).block());
		this.clock.addAndGet(TTL.toNanos());
		assertThat(store.put("admitted", "v", TTL).block()).isTrue();
		assertThat(store.put("admitted-too", "v", TTL).block()).isTrue();
		assertThat(store.size()).isEqualTo(3);
	}

	@Test
	void ticketPutWithAShorterTimeToLiveAfterAFullSweepShouldBeSweptWhenTheStoreIsFull() {
		InMemoryTicketStore store = store(2);
		store.put("long", "v", TTL.multipliedBy(10)).block();
		store.put("refused-later", "v", TTL.multipliedBy(10)).block();
		// a full sweep that finds the earliest expiry ten ttls away
		assertThatIllegalStateException().isThrownBy(() -> store.put("refused", "v", TTL).block());
		store.take("refused-later").block();
		store.put("short", "v", Duration.ofSeconds(1)).block();
		this.clock.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(store.put("admitted", "v", TTL).block()).isTrue();
	}

}
