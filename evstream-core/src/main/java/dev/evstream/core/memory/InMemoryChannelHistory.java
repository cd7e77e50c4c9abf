package dev.evstream.core.memory;

import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.history.SequenceBase;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.evstream.core.bus.ChannelMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The embedded default {@link ChannelHistory}: the latest {@code size} messages of each
 * channel in this process's memory. An append holds the channel's lock while it publishes
 * on the {@link InMemoryEventBus}, so messages of one channel are delivered in sequence
 * order.
 * <p>
 * Memory stays bounded whatever clients do: only channels that messages were sent to have
 * a log; a log not used (sent to, or read) for its time to live is forgotten, as a Redis
 * key expires; and when the logs together exceed their byte budget, the least recently
 * used ones are forgotten first. A client resuming in a forgotten channel is told to
 * reset, never misled: a new log starts above every sequence the old one gave.
 *
 * @since 0.1.0
 */
public final class InMemoryChannelHistory implements ChannelHistory {

	/**
	 * Default time to live of an unused channel's log.
	 */
	public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofDays(1);

	/**
	 * Default budget of all logs together, in bytes.
	 */
	public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

	// rough heap costs, so that the budget tracks memory rather than message count
	private static final int LOG_BYTES = 256;

	private static final int MESSAGE_BYTES = 64;

	private final ConcurrentMap<String, Log> logs = new ConcurrentHashMap<>();

	private final InMemoryEventBus bus;

	private final int size;

	private final long timeToLive;

	private final long maxBytes;

	private final LongSupplier sequenceBase;

	private final LongSupplier clock;

	private final AtomicLong bytes = new AtomicLong();

	// new sequences start above every one a forgotten log gave
	private final AtomicLong floor = new AtomicLong();

	private final Object sweeping = new Object();

	// written under sweeping; read without it, so that appends take no shared lock
	private volatile long lastSweep;

	/**
	 * Creates a history, with limits its {@link InMemoryBackend.Builder builder} checked.
	 * @param bus the bus of this instance
	 * @param size the number of messages kept per channel, zero for none
	 * @param timeToLive how long a channel's log is kept after it was last sent to or
	 * read
	 * @param maxBytes the budget of all logs together, in approximate heap bytes
	 */
	InMemoryChannelHistory(InMemoryEventBus bus, int size, Duration timeToLive, long maxBytes) {
		this(bus, size, timeToLive, maxBytes, SequenceBase::now, System::currentTimeMillis);
	}

	InMemoryChannelHistory(InMemoryEventBus bus, int size, Duration timeToLive, long maxBytes,
			LongSupplier sequenceBase, LongSupplier clock) {
		this.bus = bus;
		this.size = size;
		this.timeToLive = timeToLive.toMillis();
		this.maxBytes = maxBytes;
		this.sequenceBase = sequenceBase;
		this.clock = clock;
		this.lastSweep = clock.getAsLong();
	}

	@Override
	public Mono<Long> append(String channel, @Nullable String event, String data) {
		return Mono.fromSupplier(() -> appendNow(channel, event, data));
	}

	/**
	 * Appends at once, on the caller's thread, for a store that appends under its own
	 * lock so that its write and the message are one step.
	 */
	long appendNow(String channel, @Nullable String event, String data) {
		long now = this.clock.getAsLong();
		sweepIfDue(now);
		while (true) {
			Log log = this.logs.computeIfAbsent(channel, this::newLog);
			Long sequence = log.append(event, data, now);
			if (sequence != null) {
				if (this.bytes.get() > this.maxBytes) {
					evict(log, now);
				}
				return sequence;
			}
			// forgotten meanwhile: its successor starts above it
		}
	}

	@Override
	public Mono<HistorySlice> readAfter(String channel, long afterSequence) {
		return Mono.fromSupplier(() -> {
			Log log = this.logs.get(channel);
			if (log == null) {
				return new HistorySlice(NO_SEQUENCE, List.of(), afterSequence == NO_SEQUENCE);
			}
			return log.readAfter(afterSequence, this.clock.getAsLong());
		});
	}

	@Override
	public Mono<Long> head(String channel) {
		return Mono.fromSupplier(() -> headNow(channel));
	}

	/**
	 * Reads the head at once, on the caller's thread.
	 */
	long headNow(String channel) {
		Log log = this.logs.get(channel);
		return (log != null) ? log.head(this.clock.getAsLong()) : NO_SEQUENCE;
	}

	/**
	 * Returns the number of channels that have a log.
	 * @return the number of logs held
	 */
	public int channelCount() {
		return this.logs.size();
	}

	/**
	 * Returns the approximate heap bytes the logs hold.
	 * @return the bytes accounted to the logs
	 */
	public long byteCount() {
		return this.bytes.get();
	}

	private Log newLog(String channel) {
		long base = Math.max(this.sequenceBase.getAsLong(), this.floor.get() + 1);
		this.bytes.addAndGet(LOG_BYTES + 2L * channel.length());
		return new Log(channel, base);
	}

	private void sweepIfDue(long now) {
		long interval = Math.min(this.timeToLive, 60_000);
		if (now - this.lastSweep < interval) {
			return;
		}
		synchronized (this.sweeping) {
			if (now - this.lastSweep < interval) {
				return;
			}
			this.lastSweep = now;
		}
		for (Log log : this.logs.values()) {
			if (now - log.lastUsed() >= this.timeToLive) {
				forget(log);
			}
		}
	}

	/**
	 * Forgets the least recently used logs until the budget has room again, keeping the
	 * one being appended to.
	 */
	private void evict(Log appended, long now) {
		synchronized (this.sweeping) {
			this.lastSweep = now;
			List<Log> candidates = new ArrayList<>(this.logs.values());
			candidates.remove(appended);
			candidates.sort(Comparator.comparingLong(Log::lastUsed));
			long target = this.maxBytes - this.maxBytes / 10;
			for (Log log : candidates) {
				if (this.bytes.get() <= target) {
					break;
				}
				forget(log);
			}
		}
		if (this.bytes.get() > this.maxBytes) {
			appended.trimTo(1);
		}
	}

	private void forget(Log log) {
		long head = log.retire();
		if (head == NO_SEQUENCE) {
			return;
		}
		this.floor.accumulateAndGet(head, Math::max);
		this.logs.remove(log.channel, log);
	}

	private static long cost(ChannelMessage message) {
		String event = message.event();
		return MESSAGE_BYTES + 2L * message.data().length() + ((event != null) ? 2L * event.length() : 0);
	}

	private final class Log {

		private final String channel;

		private final long base;

		private final ArrayDeque<ChannelMessage> retained = new ArrayDeque<>();

		private long head;

		private volatile long lastUsed;

		private boolean retired;

		Log(String channel, long base) {
			this.channel = channel;
			this.base = base;
			this.head = base;
		}

		long lastUsed() {
			return this.lastUsed;
		}

		/**
		 * Appends and publishes, or returns {@code null} if the log was forgotten.
		 */
		synchronized @Nullable Long append(@Nullable String event, String data, long now) {
			if (this.retired) {
				return null;
			}
			this.lastUsed = now;
			ChannelMessage message = new ChannelMessage(this.channel, ++this.head, event, data);
			if (InMemoryChannelHistory.this.size > 0) {
				if (this.retained.size() == InMemoryChannelHistory.this.size) {
					drop(this.retained.removeFirst());
				}
				this.retained.addLast(message);
				InMemoryChannelHistory.this.bytes.addAndGet(cost(message));
			}
			InMemoryChannelHistory.this.bus.deliver(message);
			return message.sequence();
		}

		synchronized HistorySlice readAfter(long afterSequence, long now) {
			this.lastUsed = now;
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
			boolean complete = (afterSequence == NO_SEQUENCE) ? oldest == this.base + 1 : afterSequence >= oldest - 1;
			return new HistorySlice(this.head, after, complete);
		}

		synchronized long head(long now) {
			this.lastUsed = now;
			return this.head;
		}

		synchronized void trimTo(int count) {
			while (this.retained.size() > count) {
				drop(this.retained.removeFirst());
			}
		}

		/**
		 * Marks the log forgotten and releases its bytes.
		 * @return its head, or {@code NO_SEQUENCE} if it was forgotten already
		 */
		synchronized long retire() {
			if (this.retired) {
				return NO_SEQUENCE;
			}
			this.retired = true;
			this.retained.forEach(this::drop);
			this.retained.clear();
			InMemoryChannelHistory.this.bytes.addAndGet(-(LOG_BYTES + 2L * this.channel.length()));
			return this.head;
		}

		private void drop(ChannelMessage message) {
			InMemoryChannelHistory.this.bytes.addAndGet(-cost(message));
		}

	}

}
