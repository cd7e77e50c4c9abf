package dev.evstream.core.backend;

import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.TicketStore;
import reactor.core.publisher.Mono;

/**
 * Where the instances of an application share what evstream knows: one value that holds
 * the {@link EventBus} and every store that publishes on it, so that the parts always
 * match. The engine takes one backend; each model adds the SPI it needs here.
 * <p>
 * Implementations: the embedded {@link dev.evstream.core.memory.InMemoryBackend
 * InMemoryBackend} of a single instance, and the Redis one of the {@code evstream-redis}
 * module.
 *
 * @since 0.1.0
 */
public interface Backend extends AutoCloseable {

	/**
	 * Returns the bus the other parts publish on.
	 * @return the event bus
	 */
	EventBus bus();

	/**
	 * Returns the store of states.
	 * @return the state store
	 */
	StateStore stateStore();

	/**
	 * Returns the store of collection items, which appends to the
	 * {@link #channelHistory() channel history}.
	 * @return the collection store
	 */
	CollectionStore collectionStore();

	/**
	 * Returns the store of event logs, which appends to the {@link #channelHistory()
	 * channel history}.
	 * @return the log store
	 */
	LogStore logStore();

	/**
	 * Returns the store of operation ids of writes kept outside the backend, such as the
	 * actions of record sets.
	 * @return the operation store
	 */
	OperationStore operationStore();

	/**
	 * Returns the store of who listens to which channel, across the instances.
	 * @return the presence store
	 */
	PresenceStore presenceStore();

	/**
	 * Returns the store of single-use tickets, such as the connection tickets that carry
	 * a principal to a stream opened on another instance.
	 * @return the ticket store
	 */
	TicketStore ticketStore();

	/**
	 * Returns the history that gives channel messages their positions.
	 * @return the channel history
	 */
	ChannelHistory channelHistory();

	/**
	 * Starts what the backend runs in the background, such as the bus subscription. Cold
	 * and non-blocking; completes once the backend first connected, which may take as
	 * long as its server is unreachable, while the backend keeps trying on its own.
	 * Starting twice is a no-op.
	 * @return completion of the first connection
	 */
	default Mono<Void> start() {
		return Mono.empty();
	}

	/**
	 * Stops what the backend runs in the background. Does not block.
	 */
	@Override
	default void close() {
	}

}
