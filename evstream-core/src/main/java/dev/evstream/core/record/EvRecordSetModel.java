package dev.evstream.core.record;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

/**
 * What a record set is, as partysync's: the type of its records and how to read their id,
 * version and soft-delete marker, how to load them, and the handler of its actions.
 * Defined once, then {@link EvRecords#register registered} under a name.
 *
 * <pre class="code">
 * EvRecordSetModel&lt;Todo, TodoAction&gt; model = EvRecordSetModel.of(Todo.class, TodoAction.class)
 * 	.id(Todo::id)
 * 	.version(Todo::version)
 * 	.deleted((todo) -&gt; todo.deletedAt() != null)
 * 	.loader(todos::changedSince)
 * 	.onAction((recordSet, action, principal) -&gt; todos.apply(action));
 * </pre>
 * <p>
 * A record's version must grow with every change of it, and, for {@link EvRecordLoader
 * loading the changes since a version}, with every change of the set: a database
 * sequence, or the time of the change in milliseconds made to grow on each update of a
 * row.
 *
 * @param <R> the type of the records, written as JSON
 * @param <A> the type of the actions, read from JSON
 * @since 0.1.0
 */
public final class EvRecordSetModel<R, A> {

	/**
	 * The default longest time an action's handler may run.
	 */
	public static final Duration DEFAULT_ACTION_TIMEOUT = Duration.ofSeconds(30);

	private final Class<R> recordType;

	private final Class<A> actionType;

	private final @Nullable Function<R, String> id;

	private final @Nullable ToLongFunction<R> version;

	private final Predicate<R> deleted;

	private final @Nullable EvRecordLoader<R> loader;

	private final @Nullable EvActionHandler<R, A> handler;

	private final Duration actionTimeout;

	private EvRecordSetModel(Class<R> recordType, Class<A> actionType, @Nullable Function<R, String> id,
			@Nullable ToLongFunction<R> version, Predicate<R> deleted, @Nullable EvRecordLoader<R> loader,
			@Nullable EvActionHandler<R, A> handler, Duration actionTimeout) {
		this.recordType = recordType;
		this.actionType = actionType;
		this.id = id;
		this.version = version;
		this.deleted = deleted;
		this.loader = loader;
		this.handler = handler;
		this.actionTimeout = actionTimeout;
	}

	/**
	 * Starts a model whose records are never deleted and which takes no actions.
	 * @param <R> the type of the records
	 * @param <A> the type of the actions
	 * @param recordType the type of the records, written as JSON
	 * @param actionType the type of the actions, read from JSON
	 * @return the model
	 */
	public static <R, A> EvRecordSetModel<R, A> of(Class<R> recordType, Class<A> actionType) {
		return new EvRecordSetModel<>(Objects.requireNonNull(recordType, "'recordType' must not be null"),
				Objects.requireNonNull(actionType, "'actionType' must not be null"), null, null, (record) -> false,
				null, null, DEFAULT_ACTION_TIMEOUT);
	}

	/**
	 * Returns a model that reads a record's id with a function.
	 * @param id reads the id, unique in the set
	 * @return the model
	 */
	public EvRecordSetModel<R, A> id(Function<R, String> id) {
		return new EvRecordSetModel<>(this.recordType, this.actionType,
				Objects.requireNonNull(id, "'id' must not be null"), this.version, this.deleted, this.loader,
				this.handler, this.actionTimeout);
	}

	/**
	 * Returns a model that reads a record's version with a function.
	 * @param version reads the version, which grows with every change
	 * @return the model
	 */
	public EvRecordSetModel<R, A> version(ToLongFunction<R> version) {
		return new EvRecordSetModel<>(this.recordType, this.actionType, this.id,
				Objects.requireNonNull(version, "'version' must not be null"), this.deleted, this.loader, this.handler,
				this.actionTimeout);
	}

	/**
	 * Returns a model that reads whether a record is soft-deleted with a predicate.
	 * @param deleted whether a record is deleted, such as its {@code deleted_at} being
	 * set
	 * @return the model
	 */
	public EvRecordSetModel<R, A> deleted(Predicate<R> deleted) {
		return new EvRecordSetModel<>(this.recordType, this.actionType, this.id, this.version,
				Objects.requireNonNull(deleted, "'deleted' must not be null"), this.loader, this.handler,
				this.actionTimeout);
	}

	/**
	 * Returns a model that loads its records with a loader.
	 * @param loader the loader
	 * @return the model
	 */
	public EvRecordSetModel<R, A> loader(EvRecordLoader<R> loader) {
		return new EvRecordSetModel<>(this.recordType, this.actionType, this.id, this.version, this.deleted,
				Objects.requireNonNull(loader, "'loader' must not be null"), this.handler, this.actionTimeout);
	}

	/**
	 * Returns a model that applies actions with a handler.
	 * @param handler the handler
	 * @return the model
	 */
	public EvRecordSetModel<R, A> onAction(EvActionHandler<R, A> handler) {
		return new EvRecordSetModel<>(this.recordType, this.actionType, this.id, this.version, this.deleted,
				this.loader, Objects.requireNonNull(handler, "'handler' must not be null"), this.actionTimeout);
	}

	/**
	 * Returns a model whose actions fail when their handler runs longer than a time.
	 * @param actionTimeout the longest time, positive
	 * @return the model
	 */
	public EvRecordSetModel<R, A> actionTimeout(Duration actionTimeout) {
		Objects.requireNonNull(actionTimeout, "'actionTimeout' must not be null");
		if (actionTimeout.isNegative() || actionTimeout.isZero()) {
			throw new IllegalArgumentException("'actionTimeout' must be positive, but was " + actionTimeout);
		}
		return new EvRecordSetModel<>(this.recordType, this.actionType, this.id, this.version, this.deleted,
				this.loader, this.handler, actionTimeout);
	}

	Class<R> recordType() {
		return this.recordType;
	}

	Class<A> actionType() {
		return this.actionType;
	}

	Function<R, String> idReader() {
		return Objects.requireNonNull(this.id);
	}

	ToLongFunction<R> versionReader() {
		return Objects.requireNonNull(this.version);
	}

	Predicate<R> deletedTest() {
		return this.deleted;
	}

	EvRecordLoader<R> loader() {
		return Objects.requireNonNull(this.loader);
	}

	@Nullable EvActionHandler<R, A> handler() {
		return this.handler;
	}

	Duration actionTimeout() {
		return this.actionTimeout;
	}

	/**
	 * Checks that the model says what a record set cannot do without.
	 * @param name the record set's name, for the message
	 */
	void check(String name) {
		if (this.id == null || this.version == null || this.loader == null) {
			throw new IllegalArgumentException("Record set '" + name + "' needs an id, a version and a loader");
		}
	}

}
