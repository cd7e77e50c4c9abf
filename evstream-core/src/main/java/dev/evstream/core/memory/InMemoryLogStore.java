package dev.evstream.core.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogAppendResult.Outcome;
import dev.evstream.core.store.LogHead;
import dev.evstream.core.store.LogSnapshot;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.StateStore;
import reactor.core.publisher.Mono;

/**
 * The {@link LogStore} of a single instance. Each log has a lock under which its head
 * moves, its events are kept and its channel's messages are appended, so a snapshot and
 * the position it names are read together.
 *
 * @since 0.1.0
 */
public final class InMemoryLogStore implements LogStore {

	private final InMemoryChannelHistory history;

	private final ConcurrentMap<String, Log> logs = new ConcurrentHashMap<>();

	private final RecentOperations<Long> eventIds = new RecentOperations<>(StateStore.OPERATION_RETENTION,
			RecentOperations.DEFAULT_CAPACITY);

	InMemoryLogStore(InMemoryChannelHistory history) {
		this.history = history;
	}

	@Override
	public Mono<LogHead> head(String name) {
		return Mono.fromSupplier(() -> {
			Log log = this.logs.get(name);
			return (log != null) ? log.head() : LogHead.EMPTY;
		});
	}

	@Override
	public Mono<LogSnapshot> snapshot(String name) {
		// reading a log nobody appended to creates nothing, as reading a channel does:
		// the
		// position is read first, so an append that creates the log meanwhile comes after
		// it
		return Mono.fromSupplier(() -> {
			long position = this.history.headNow(name);
			Log log = this.logs.get(name);
			return (log != null) ? log.snapshot() : new LogSnapshot(position, LogHead.EMPTY, List.of());
		});
	}

	@Override
	public Mono<Long> sequenceOf(String name, String eventId) {
		return Mono.fromSupplier(() -> this.eventIds.recall(name, eventId));
	}

	@Override
	public Mono<LogAppendResult> append(LogAppend append) {
		return Mono.fromSupplier(() -> this.logs.computeIfAbsent(append.name(), Log::new).append(append));
	}

	/**
	 * One log; every method holds its lock.
	 */
	private final class Log {

		private final String name;

		private LogHead head = LogHead.EMPTY;

		private LogHead base = LogHead.EMPTY;

		private final List<String> events = new ArrayList<>();

		Log(String name) {
			this.name = name;
		}

		synchronized LogHead head() {
			return this.head;
		}

		synchronized LogSnapshot snapshot() {
			return new LogSnapshot(InMemoryLogStore.this.history.headNow(this.name), this.base, this.events);
		}

		synchronized LogAppendResult append(LogAppend append) {
			String eventId = append.eventId();
			InMemoryLogStore store = InMemoryLogStore.this;
			Long earlier = (eventId != null) ? store.eventIds.recall(this.name, eventId) : null;
			if (earlier != null) {
				return new LogAppendResult(Outcome.REPEATED, this.head, earlier);
			}
			if (append.expectedSequence() != this.head.sequence()) {
				return new LogAppendResult(Outcome.CONFLICT, this.head, 0);
			}
			long sequence = this.head.sequence() + 1;
			this.head = new LogHead(sequence, append.state());
			this.events.add(append.event());
			if (append.compactAbove() > 0 && this.events.size() > append.compactAbove()) {
				this.base = this.head;
				this.events.clear();
			}
			if (eventId != null) {
				store.eventIds.remember(this.name, eventId, sequence);
			}
			store.history.appendNow(this.name, this.name, append.message());
			return new LogAppendResult(Outcome.APPENDED, this.head, sequence);
		}

	}

}
