package dev.evstream.core.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The authoritative items of every collection, shared by all instances: items are JSON
 * text, identified by stream, group and id, and versioned per item.
 * <p>
 * A group's channel is {@code <stream>/<group>}. Every write appends its change event to
 * that channel's {@link dev.evstream.core.history.ChannelHistory history} and publishes
 * it <em>in the same atomic step</em>, so that the order in which writes are stored is
 * the order in which every instance and client receives them, and a {@link #snapshot}
 * names exactly the changes it already includes. A store implementation therefore shares
 * its backend's channel history, and nothing else may append to a collection's channels.
 * <p>
 * All methods are cold, signal on the thread of the backend (the caller's for the
 * in-memory store), and fail at once when the backend cannot be reached.
 *
 * @since 0.1.0
 */
public interface CollectionStore {

	/**
	 * Returns the longest a call waits for the backend before it fails.
	 * @return the timeout, or {@code null} (the default) for a store that answers at once
	 */
	default @Nullable Duration timeout() {
		return null;
	}

	/**
	 * Reads one item.
	 * @param stream the stream
	 * @param group the group
	 * @param id the item id
	 * @return the item, or empty if it does not exist
	 */
	Mono<StoredItem> get(String stream, String group, String id);

	/**
	 * Reads every item of a group and the position of its channel, atomically.
	 * @param stream the stream
	 * @param group the group
	 * @return the snapshot; an empty group gives no items
	 */
	Mono<GroupSnapshot> snapshot(String stream, String group);

	/**
	 * Reads the groups of a stream that hold at least one item.
	 * @param stream the stream
	 * @return the group names, in no particular order
	 */
	Flux<String> groups(String stream);

	/**
	 * Writes or deletes an item if it is at the expected version, and appends the write's
	 * change event to the group's channel, in one atomic step. A write whose operation id
	 * an earlier write of the same group carried within
	 * {@link StateStore#OPERATION_RETENTION} is not applied again.
	 * @param write the write
	 * @return the outcome
	 */
	Mono<ItemWriteResult> write(ItemWrite write);

	/**
	 * Appends a custom event to a group's channel, in order with the group's writes.
	 * @param stream the stream
	 * @param group the group
	 * @param data the event's data as text
	 * @return the sequence given to it
	 */
	Mono<Long> send(String stream, String group, String data);

}
