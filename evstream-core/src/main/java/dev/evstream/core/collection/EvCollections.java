package dev.evstream.core.collection;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.ChannelSnapshots.ChannelSnapshot;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.ModelNames;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.store.CollectionStore;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

/**
 * The keyed collections of an application, as the iii Stream module: items organised as
 * {@code stream/group/item}, stored in the backend's
 * {@link dev.evstream.core.store.CollectionStore} and shared by every instance.
 * <p>
 * Clients listen to a group on the channel {@code <stream>/<group>}: they receive the
 * group's items as a {@code snapshot} event, then {@code create}, {@code update},
 * {@code delete} and custom events, in the order the store took them. A client that
 * resumes is sent the changes it missed, or, when they are out of the history, a
 * {@code reset} and a new snapshot.
 * <p>
 * Declare each collection with {@link #collection(String, Class)} before clients listen
 * to it: the declaration claims its channels, so that nothing else sends to them.
 *
 * @since 0.1.0
 */
public final class EvCollections implements AutoCloseable {

	private final EvStreamManager streams;

	final CollectionStore store;

	final ObjectMapper jsonMapper;

	final ItemUpdate update;

	final ItemWrites writes;

	final CollectionTriggers triggers;

	// off the event loops: items are decoded and encoded here, and groups may be large
	final Scheduler worker = Schedulers.parallel();

	private final ConcurrentMap<String, EvCollection<?>> collections = new ConcurrentHashMap<>();

	/**
	 * Creates the collections of a stream manager's backend, with the
	 * {@link EvCollectionLimits#DEFAULT default limits}.
	 * @param streams the stream manager, whose listeners receive the groups
	 * @param jsonMapper the application's JSON mapper
	 */
	public EvCollections(EvStreamManager streams, ObjectMapper jsonMapper) {
		this(streams, jsonMapper, EvCollectionLimits.DEFAULT);
	}

	/**
	 * Creates the collections of a stream manager's backend.
	 * @param streams the stream manager, whose listeners receive the groups
	 * @param jsonMapper the application's JSON mapper
	 * @param limits how much a group may hold
	 */
	public EvCollections(EvStreamManager streams, ObjectMapper jsonMapper, EvCollectionLimits limits) {
		this.streams = Objects.requireNonNull(streams, "'streams' must not be null");
		this.jsonMapper = Objects.requireNonNull(jsonMapper, "'jsonMapper' must not be null");
		this.store = streams.backend().collectionStore();
		this.update = new ItemUpdate(jsonMapper);
		this.writes = new ItemWrites(this.store, Objects.requireNonNull(limits, "'limits' must not be null"));
		this.triggers = new CollectionTriggers(streams.metrics());
	}

	/**
	 * Declares a collection, or returns the one declared under the name.
	 * @param <T> the type of its items
	 * @param stream the stream name: 1 to 64 characters from
	 * {@code A-Z a-z 0-9 _ . : @ -}
	 * @param type the type of its items
	 * @return the collection
	 * @throws IllegalArgumentException if the name is invalid, or declared with another
	 * type
	 */
	public <T> EvCollection<T> collection(String stream, Class<T> type) {
		return declare(stream, this.jsonMapper.constructType(Objects.requireNonNull(type, "'type' must not be null")));
	}

	/**
	 * Declares a collection of a generic type, or returns the one declared under the
	 * name.
	 * @param <T> the type of its items
	 * @param stream the stream name
	 * @param type the type of its items
	 * @return the collection
	 * @throws IllegalArgumentException if the name is invalid, or declared with another
	 * type
	 */
	public <T> EvCollection<T> collection(String stream, TypeReference<T> type) {
		return declare(stream, this.jsonMapper.constructType(Objects.requireNonNull(type, "'type' must not be null")));
	}

	@SuppressWarnings("unchecked")
	private <T> EvCollection<T> declare(String stream, JavaType type) {
		ModelNames.stream(stream);
		EvCollection<?> collection = this.collections.computeIfAbsent(stream, (name) -> {
			this.streams.claimChannels(name, this::snapshot);
			return new EvCollection<>(this, name, type, null);
		});
		if (!collection.type().equals(type)) {
			throw new IllegalArgumentException("Collection '" + stream + "' holds " + collection.type().toCanonical()
					+ ", not " + type.toCanonical());
		}
		return (EvCollection<T>) collection;
	}

	/**
	 * Returns a declared collection.
	 * @param stream the stream name
	 * @return the collection, or {@code null} if none is declared under the name
	 */
	public @Nullable EvCollection<?> find(String stream) {
		return this.collections.get(stream);
	}

	/**
	 * Registers a trigger for the changes of a collection, of one of its groups, or of
	 * one item; the collection may be declared later. The trigger receives items of the
	 * collection's type.
	 * @param <T> the type of the collection's items
	 * @param stream the stream name
	 * @param group the group, or {@code null} for all
	 * @param id the item id, or {@code null} for all
	 * @param trigger the trigger
	 * @return a handle that removes the trigger when disposed
	 */
	public <T> Disposable onChange(String stream, @Nullable String group, @Nullable String id,
			EvCollectionTrigger<T> trigger) {
		ModelNames.stream(stream);
		if (group != null) {
			ModelNames.group(group);
		}
		if (id != null) {
			ModelNames.id(id);
		}
		return this.triggers.add(stream, group, id, trigger);
	}

	/**
	 * Stops running triggers.
	 */
	@Override
	public void close() {
		this.triggers.dispose();
	}

	Mono<ChannelSnapshot> snapshot(String channel) {
		int slash = channel.indexOf('/');
		String stream = channel.substring(0, slash);
		String group = channel.substring(slash + 1);
		if (!ModelNames.isValidName(group)) {
			// no write can reach a group with such a name: it is empty for good
			return Mono.just(new ChannelSnapshot(ChannelHistory.NO_SEQUENCE, ChangeEvents.snapshot(List.of())));
		}
		return bounded(this.store.snapshot(stream, group)).subscribeOn(this.worker)
			.publishOn(this.worker)
			.map((snapshot) -> new ChannelSnapshot(snapshot.sequence(), ChangeEvents.snapshot(snapshot.items())));
	}

	<T> Mono<T> bounded(Mono<T> call) {
		Duration timeout = this.store.timeout();
		return (timeout != null) ? call.timeout(timeout) : call;
	}

}
