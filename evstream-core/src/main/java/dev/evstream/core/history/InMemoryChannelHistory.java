package dev.evstream.core.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.bus.InMemoryEventBus;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The embedded default {@link ChannelHistory}: the latest {@code size} messages of each
 * channel in this process's memory. An append holds the channel's lock while it publishes
 * on the {@link InMemoryEventBus}, so messages of one channel are delivered in sequence
 * order.
 *
 * @since 0.1.0
 */
public final class InMemoryChannelHistory implements ChannelHistory {

	private final ConcurrentMap<String, Log> logs = new ConcurrentHashMap<>();

	private final InMemoryEventBus bus;

	private final int size;

	private final LongSupplier sequenceBase;

	/**
	 * Creates a history that keeps {@code size} messages per channel.
	 * @param bus the bus of this instance
	 * @param size the number of messages kept per channel, zero for none
	 */
	public InMemoryChannelHistory(InMemoryEventBus bus, int size) {
		this(bus, size, SequenceBase::now);
	}

	/**
	 * Creates a history with a given source of sequence bases, for tests.
	 * @param bus the bus of this instance
	 * @param size the number of messages kept per channel
	 * @param sequenceBase where new channel sequences start
	 */
	InMemoryChannelHistory(InMemoryEventBus bus, int size, LongSupplier sequenceBase) {
		this.bus = Objects.requireNonNull(bus, "'bus' must not be null");
		if (size < 0) {
			throw new IllegalArgumentException("History size must not be negative, but was " + size);
		}
		this.size = size;
		this.sequenceBase = sequenceBase;
	}

	@Override
	public Mono<Long> append(String channel, @Nullable String event, String data) {
		return Mono.fromSupplier(() -> log(channel).append(event, data));
	}

	@Override
	public Mono<HistorySlice> readAfter(String channel, long afterSequence) {
		return Mono.fromSupplier(() -> log(channel).readAfter(afterSequence));
	}

	@Override
	public Mono<Long> head(String channel) {
		return Mono.fromSupplier(() -> log(channel).head());
	}

	private Log log(String channel) {
		return this.logs.computeIfAbsent(channel, (name) -> new Log(name, this.sequenceBase.getAsLong()));
	}

	private final class Log {

		private final String channel;

		private final ArrayDeque<ChannelMessage> retained = new ArrayDeque<>();

		private long head;

		Log(String channel, long base) {
			this.channel = channel;
			this.head = base;
		}

		synchronized long append(@Nullable String event, String data) {
			ChannelMessage message = new ChannelMessage(this.channel, ++this.head, event, data);
			if (InMemoryChannelHistory.this.size > 0) {
				if (this.retained.size() == InMemoryChannelHistory.this.size) {
					this.retained.removeFirst();
				}
				this.retained.addLast(message);
			}
			InMemoryChannelHistory.this.bus.deliver(message);
			return message.sequence();
		}

		synchronized HistorySlice readAfter(long afterSequence) {
			if (afterSequence > this.head) {
				return new HistorySlice(this.head, List.of(), false);
			}
			long oldest = this.retained.isEmpty() ? this.head + 1 : this.retained.peekFirst().sequence();
			List<ChannelMessage> after = new ArrayList<>();
			for (ChannelMessage message : this.retained) {
				if (message.sequence() > afterSequence) {
					after.add(message);
				}
			}
			return new HistorySlice(this.head, after, afterSequence >= oldest - 1);
		}

		synchronized long head() {
			return this.head;
		}

	}

}
