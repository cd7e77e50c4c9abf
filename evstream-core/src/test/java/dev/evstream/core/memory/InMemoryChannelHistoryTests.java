package dev.evstream.core.memory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.history.ChannelHistory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryChannelHistoryTests {

	private static final Duration TTL = Duration.ofMinutes(10);

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final InMemoryEventBus bus = new InMemoryEventBus();

	private InMemoryChannelHistory history(long maxBytes) {
		// a fixed base, so that only the history's own floor keeps new sequences apart
		return new InMemoryChannelHistory(this.bus, 10, TTL, maxBytes, () -> 5_000, this.clock::get);
	}

	@Test
	void readingChannelsNobodySendsToShouldKeepNothing() {
		InMemoryChannelHistory history = history(1 << 20);
		for (int i = 0; i < 1000; i++) {
			assertThat(history.head("quiet-" + i).block()).isEqualTo(ChannelHistory.NO_SEQUENCE);
			assertThat(history.readAfter("quiet-" + i, ChannelHistory.NO_SEQUENCE).block().complete()).isTrue();
		}
		assertThat(history.channelCount()).isZero();
		assertThat(history.byteCount()).isZero();
	}

	@Test
	void logUnusedForItsTimeToLiveShouldBeForgottenAndItsSuccessorStartAboveIt() {
		InMemoryChannelHistory history = history(1 << 20);
		long old = history.append("news", null, "old").block();
		this.clock.addAndGet(TTL.toMillis());
		history.append("other", null, "sweeps").block();
		assertThat(history.head("news").block()).isEqualTo(ChannelHistory.NO_SEQUENCE);
		assertThat(history.readAfter("news", old).block().complete()).isFalse();
		long renewed = history.append("news", null, "new").block();
		assertThat(renewed).isGreaterThan(old);
		assertThat(history.channelCount()).isEqualTo(2);
	}

	@Test
	void logUsedWithinItsTimeToLiveShouldBeKept() {
		InMemoryChannelHistory history = history(1 << 20);
		long sequence = history.append("news", null, "kept").block();
		this.clock.addAndGet(TTL.toMillis() - 1);
		assertThat(history.head("news").block()).isEqualTo(sequence);
		this.clock.addAndGet(TTL.toMillis() - 1);
		history.append("other", null, "sweeps").block();
		assertThat(history.readAfter("news", ChannelHistory.NO_SEQUENCE).block().messages())
			.extracting(ChannelMessage::data)
			.containsExactly("kept");
	}

	@Test
	void logsBeyondTheBudgetShouldBeForgottenLeastRecentlyUsedFirst() {
		InMemoryChannelHistory history = history(10_000);
		String data = "x".repeat(500);
		for (int i = 0; i < 100; i++) {
			this.clock.incrementAndGet();
			history.append("channel-" + i, null, data).block();
		}
		assertThat(history.byteCount()).isLessThanOrEqualTo(10_000);
		assertThat(history.head("channel-99").block()).isNotEqualTo(ChannelHistory.NO_SEQUENCE);
		assertThat(history.head("channel-0").block()).isEqualTo(ChannelHistory.NO_SEQUENCE);
	}

	@Test
	void forgettingEveryLogShouldReturnEveryByte() {
		InMemoryChannelHistory history = history(1 << 20);
		for (int i = 0; i < 50; i++) {
			history.append("channel-" + i, "event", "data " + i).block();
		}
		assertThat(history.byteCount()).isPositive();
		this.clock.addAndGet(TTL.toMillis());
		history.append("last", null, "sweeps").block();
		assertThat(history.channelCount()).isEqualTo(1);
		InMemoryChannelHistory single = history(1 << 20);
		single.append("last", null, "sweeps").block();
		assertThat(history.byteCount()).isEqualTo(single.byteCount());
	}

}
