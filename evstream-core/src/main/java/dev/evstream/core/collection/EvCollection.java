package dev.evstream.core.collection;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.evstream.core.EvException;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.ModelNames;
import dev.evstream.core.OperationIds;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.collection.EvCollectionChange.Type;
import dev.evstream.core.collection.ItemWrites.Written;
import dev.evstream.core.store.StoredItem;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * One collection: items of one type, in groups, identified by id within their group.
 * <p>
 * Writes act when called, as {@link dev.evstream.core.EvState#set EvState.set} does: the
 * returned {@code Mono} replays the outcome, and cancelling it does not undo the write.
 * Each write is atomic with the change event its group's listeners receive, and an
 * {@link #update update}'s operations apply to the item as stored, however many instances
 * write it at once. Writes fail with {@link EvCollectionUpdateException},
 * {@link EvCollectionLimitException} or {@link EvCollectionItemNotFoundException}, having
 * written nothing, and with {@link EvUnavailableException} when the backend cannot be
 * reached.
 * <p>
 * Reads are cold, and decode items off the event loops.
 *
 * @param <T> the type of the items
 * @since 0.1.0
 */
public final class EvCollection<T> {

	private static final Logger logger = Loggers.getLogger(EvCollection.class);

	private final EvCollections owner;

	private final String name;

	private final JavaType type;

	private final @Nullable EvPrincipal principal;

	EvCollection(EvCollections owner, String name, JavaType type, @Nullable EvPrincipal principal) {
		this.owner = owner;
		this.name = name;
		this.type = type;
		this.principal = principal;
	}

	/**
	 * Returns the stream name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	JavaType type() {
		return this.type;
	}

	/**
	 * Returns a view of this collection whose writes name a principal to triggers, such
	 * as the user a controller acts for.
	 * @param principal who writes
	 * @return the view
	 */
	public EvCollection<T> as(EvPrincipal principal) {
		return new EvCollection<>(this.owner, this.name, this.type,
				Objects.requireNonNull(principal, "'principal' must not be null"));
	}

	// ---- reads

	/**
	 * Reads one item.
	 * @param group the group
	 * @param id the item id
	 * @return the item, or empty if there is none
	 */
	public Mono<T> get(String group, String id) {
		ModelNames.group(group);
		ModelNames.id(id);
		return this.owner.bounded(this.owner.store.get(this.name, group, id))
			.publishOn(this.owner.worker)
			.map((item) -> decode(item.json()))
			.onErrorMap(this::unavailable);
	}

	/**
	 * Reads every item of a group.
	 * @param group the group
	 * @return the items by id, in the order of their ids
	 */
	public Mono<Map<String, T>> list(String group) {
		ModelNames.group(group);
		return this.owner.bounded(this.owner.store.snapshot(this.name, group))
			.subscribeOn(this.owner.worker)
			.publishOn(this.owner.worker)
			.map((snapshot) -> {
				Map<String, T> items = new LinkedHashMap<>();
				for (StoredItem item : ChangeEvents.sorted(snapshot.items())) {
					items.put(item.id(), decode(item.json()));
				}
				return items;
			})
			.onErrorMap(this::unavailable);
	}

	/**
	 * Reads every item of a group as JSON text, without decoding it, for endpoints that
	 * pass it on: an array of {@code {"id":…,"data":…}} in the order of the ids.
	 * @param group the group
	 * @return the JSON array
	 */
	public Mono<String> listJson(String group) {
		ModelNames.group(group);
		return this.owner.bounded(this.owner.store.snapshot(this.name, group))
			.subscribeOn(this.owner.worker)
			.publishOn(this.owner.worker)
			.map((snapshot) -> ChangeEvents.items(snapshot.items()))
			.onErrorMap(this::unavailable);
	}

	/**
	 * Reads the groups that hold at least one item.
	 * @return the group names, sorted
	 */
	public Mono<List<String>> listGroups() {
		return this.owner.bounded(this.owner.store.groups(this.name).collectList())
			.map((groups) -> groups.stream().sorted().toList())
			.onErrorMap(this::unavailable);
	}

	// ---- writes

	/**
	 * Creates or replaces an item.
	 * @param group the group
	 * @param id the item id
	 * @param value the item
	 * @return the item as written
	 */
	public Mono<T> set(String group, String id, T value) {
		Objects.requireNonNull(value, "'value' must not be null");
		String json = encode(value);
		return actNow(write(group, id, (current) -> json, null).map(this::after));
	}

	/**
	 * Applies operations to an existing item, atomically: all of them or none.
	 * @param group the group
	 * @param id the item id
	 * @param ops the operations, in order
	 * @return the item after them
	 */
	public Mono<T> update(String group, String id, UpdateOp... ops) {
		return update(group, id, Arrays.asList(ops));
	}

	/**
	 * Applies operations to an existing item, atomically: all of them or none.
	 * @param group the group
	 * @param id the item id
	 * @param ops the operations, in order
	 * @return the item after them
	 */
	public Mono<T> update(String group, String id, List<UpdateOp> ops) {
		List<UpdateOp> checked = List.copyOf(ops);
		if (checked.isEmpty()) {
			throw new IllegalArgumentException("An update needs at least one operation");
		}
		return actNow(write(group, id, (current) -> updated(group, id, current, checked), null).map(this::after));
	}

	/**
	 * Deletes an item.
	 * @param group the group
	 * @param id the item id
	 * @return the item deleted, or empty if there was none
	 */
	public Mono<T> delete(String group, String id) {
		return actNow(write(group, id, (current) -> null, null)
			.flatMap((written) -> Mono.justOrEmpty(written.before()).map((item) -> decode(item.json()))));
	}

	/**
	 * Sends a custom event to a group's listeners, in order with its changes, as
	 * {@code {"op":"event","type":…,"data":…}}.
	 * @param group the group
	 * @param eventType the event's type, for the client to tell events apart
	 * @param data the event's data, written by the application's JSON mapper
	 * @return completion once the event is appended
	 */
	public Mono<Void> send(String group, String eventType, @Nullable Object data) {
		ModelNames.group(group);
		Objects.requireNonNull(eventType, "'eventType' must not be null");
		String event = ChangeEvents.custom(eventType, this.owner.jsonMapper.writeValueAsString(data));
		return actNow(this.owner.bounded(this.owner.store.send(this.name, group, event))
			.onErrorMap(this::unavailable)
			.then());
	}

	/**
	 * Applies a write a client asked for, as JSON: the value of a set, or the item an
	 * update leaves, must be of the collection's type. The caller has authorized it.
	 * @param write the write
	 * @param principal the client, named to triggers
	 * @param operationId the client's operation id, so that a retried write applies once
	 * @return the item after the write
	 */
	public Mono<EvCollectionItem> apply(EvCollectionWrite write, @Nullable EvPrincipal principal,
			@Nullable String operationId) {
		Objects.requireNonNull(write, "'write' must not be null");
		if (operationId != null) {
			OperationIds.check(operationId);
		}
		EvCollection<T> writer = (principal != null) ? as(principal) : this;
		ItemWrites.Change change = switch (write.kind()) {
			case SET -> {
				String json = normalize(write.data(), "The item");
				yield (current) -> json;
			}
			case UPDATE -> (current) -> writer.updated(write.group(), write.id(), current, write.ops());
			case DELETE -> (current) -> null;
		};
		return actNow(writer.write(write.group(), write.id(), change, operationId)
			.map((written) -> new EvCollectionItem(write.id(),
					(written.after() != null) ? readTree(written.after().json()) : null, operationId)));
	}

	// ---- triggers

	/**
	 * Registers a trigger for every change of this collection.
	 * @param trigger the trigger
	 * @return a handle that removes it when disposed
	 */
	public Disposable onChange(EvCollectionTrigger<T> trigger) {
		return this.owner.onChange(this.name, null, null, trigger);
	}

	/**
	 * Registers a trigger for the changes of one group.
	 * @param group the group
	 * @param trigger the trigger
	 * @return a handle that removes it when disposed
	 */
	public Disposable onChange(String group, EvCollectionTrigger<T> trigger) {
		return this.owner.onChange(this.name, group, null, trigger);
	}

	/**
	 * Registers a trigger for the changes of one item.
	 * @param group the group
	 * @param id the item id
	 * @param trigger the trigger
	 * @return a handle that removes it when disposed
	 */
	public Disposable onChange(String group, String id, EvCollectionTrigger<T> trigger) {
		return this.owner.onChange(this.name, group, id, trigger);
	}

	// ---- internals

	private Mono<Written> write(String group, String id, ItemWrites.Change change, @Nullable String operationId) {
		ModelNames.group(group);
		ModelNames.id(id);
		return this.owner.writes.write(this.name, group, id, change, operationId).doOnNext((written) -> {
			if (written.changed()) {
				fireTriggers(group, id, written, operationId);
			}
		});
	}

	private void fireTriggers(String group, String id, Written written, @Nullable String operationId) {
		StoredItem before = written.before();
		StoredItem after = written.after();
		Type type = (before == null) ? Type.CREATE : (after == null) ? Type.DELETE : Type.UPDATE;
		this.owner.triggers.fire(this.name, group, id,
				() -> new EvCollectionChange<>(this.name, group, id, type,
						(before != null) ? decode(before.json()) : null, (after != null) ? decode(after.json()) : null,
						this.principal, operationId));
	}

	private String updated(String group, String id, @Nullable StoredItem current, List<UpdateOp> ops) {
		if (current == null) {
			throw new EvCollectionItemNotFoundException(this.name + "/" + group, id);
		}
		return normalize(this.owner.update.apply(readTree(current.json()), ops), "The updated item");
	}

	/**
	 * Checks that a JSON value is an item of this collection's type, and returns it as
	 * the mapper writes that item.
	 */
	private String normalize(@Nullable JsonNode json, String what) {
		T value;
		try {
			value = this.owner.jsonMapper.treeToValue(json, this.type);
		}
		catch (JacksonException ex) {
			throw new EvCollectionUpdateException(what + " is not a valid " + this.type.getRawClass().getSimpleName()
					+ ": " + ex.getOriginalMessage());
		}
		catch (IllegalArgumentException ex) {
			throw new EvCollectionUpdateException(
					what + " is not a valid " + this.type.getRawClass().getSimpleName() + ": " + ex.getMessage());
		}
		if (value == null) {
			throw new EvCollectionUpdateException(what + " must not be null");
		}
		return encode(value);
	}

	private T decode(String json) {
		return this.owner.jsonMapper.readValue(json, this.type);
	}

	private String encode(T value) {
		return this.owner.jsonMapper.writeValueAsString(value);
	}

	private JsonNode readTree(String json) {
		return this.owner.jsonMapper.readTree(json);
	}

	private T after(Written written) {
		StoredItem after = written.after();
		if (after == null) {
			throw new IllegalStateException("The item was deleted meanwhile");
		}
		return decode(after.json());
	}

	private Throwable unavailable(Throwable ex) {
		if (ex instanceof EvException || ex instanceof IllegalArgumentException) {
			return ex;
		}
		return new EvUnavailableException("Could not read collection '" + this.name + "': the store did not answer",
				ex);
	}

	private static <R> Mono<R> actNow(Mono<R> action) {
		Mono<R> outcome = action.cache();
		outcome.subscribe(null, (ex) -> logger.debug("A collection write failed: {}", ex.toString()));
		return outcome;
	}

}
