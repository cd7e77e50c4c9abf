package dev.evstream.spring.web;

import java.net.ConnectException;
import java.time.Duration;

import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.LogAppend;
import dev.evstream.core.store.LogAppendResult;
import dev.evstream.core.store.LogHead;
import dev.evstream.core.store.LogSnapshot;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationClaim;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import dev.evstream.core.store.TicketStore;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The in-memory backend, but for a collection store, a log store, an operation store and
 * a ticket store that cannot be reached: every call to them fails as a refused connection
 * does.
 */
record UnreachableStoresBackend(InMemoryBackend backend) implements Backend {

	UnreachableStoresBackend() {
		this(new InMemoryBackend());
	}

	@Override
	public EventBus bus() {
		return this.backend.bus();
	}

	@Override
	public StateStore stateStore() {
		return this.backend.stateStore();
	}

	@Override
	public ChannelHistory channelHistory() {
		return this.backend.channelHistory();
	}

	@Override
	public CollectionStore collectionStore() {
		return new CollectionStore() {

			@Override
			public Mono<StoredItem> get(String stream, String group, String id) {
				return Mono.error(down());
			}

			@Override
			public Mono<GroupSnapshot> snapshot(String stream, String group) {
				return Mono.error(down());
			}

			@Override
			public Flux<String> groups(String stream) {
				return Flux.error(down());
			}

			@Override
			public Mono<ItemWriteResult> write(ItemWrite write) {
				return Mono.error(down());
			}

			@Override
			public Mono<Long> send(String stream, String group, String data) {
				return Mono.error(down());
			}

		};
	}

	@Override
	public LogStore logStore() {
		return new LogStore() {

			@Override
			public Mono<LogHead> head(String name) {
				return Mono.error(down());
			}

			@Override
			public Mono<LogSnapshot> snapshot(String name) {
				return Mono.error(down());
			}

			@Override
			public Mono<Long> sequenceOf(String name, String eventId) {
				return Mono.error(down());
			}

			@Override
			public Mono<LogAppendResult> append(LogAppend append) {
				return Mono.error(down());
			}

		};
	}

	@Override
	public OperationStore operationStore() {
		return new OperationStore() {

			@Override
			public Mono<OperationClaim> claim(String scope, String operationId, Duration runningFor) {
				return Mono.error(down());
			}

			@Override
			public Mono<Void> complete(String scope, String operationId, String outcome) {
				return Mono.error(down());
			}

			@Override
			public Mono<Void> release(String scope, String operationId) {
				return Mono.error(down());
			}

		};
	}

	@Override
	public TicketStore ticketStore() {
		return new TicketStore() {

			@Override
			public Mono<Boolean> put(String ticket, String value, Duration timeToLive) {
				return Mono.error(down());
			}

			@Override
			public Mono<String> take(String ticket) {
				return Mono.error(down());
			}

		};
	}

	@Override
	public PresenceStore presenceStore() {
		return this.backend.presenceStore();
	}

	private static ConnectException down() {
		return new ConnectException("Connection refused");
	}

	@Override
	public Mono<Void> start() {
		return this.backend.start();
	}

	@Override
	public void close() {
		this.backend.close();
	}

}
