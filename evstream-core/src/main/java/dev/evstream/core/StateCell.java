package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import dev.evstream.core.metrics.StreamMetrics.UpdateOutcome;
import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.store.StoredState;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * One life of a state on this instance: the latest version it knows, the frame that
 * broadcasts it, and the queue of updates made here.
 * <p>
 * Updates made on this instance run one batch at a time: every update queued meanwhile is
 * applied in order to the latest value and written with a single compare-and-set, which
 * is retried on the value that won when another instance wrote first. Batching keeps
 * concurrent writers from racing each other through the store.
 * <p>
 * Each update has one deadline, the store's timeout from the moment it was asked for: the
 * calls of a batch are bounded by the earliest deadline in it, and when the store cannot
 * be reached the updates still queued fail with the batch, so no update fails later than
 * the timeout however many wait behind each other.
 * <p>
 * A cell is <em>provisional</em> when it was declared while the store could not be
 * reached: it holds the initial value for this instance's readers, and joins the store's
 * state (creating it only if absent, never resetting it) once the store answers.
 */
final class StateCell {

	private static final int MAX_ATTEMPTS = 1000;

	private static final int MAX_BATCH = 1000;

	/**
	 * The data of the last event of a removed state.
	 */
	static final String REMOVED = "{\"removed\":true}";

	final String key;

	private final EvStateManager manager;

	private final @Nullable Duration timeout;

	private final ConcurrentMap<JavaType, TypedEvState<?>> views = new ConcurrentHashMap<>(2);

	private final ConcurrentLinkedQueue<Update> updates = new ConcurrentLinkedQueue<>();

	private final AtomicInteger wip = new AtomicInteger();

	private volatile boolean busy;

	private volatile @Nullable TypedEvState<?> declared;

	// guarded by this
	private StoredState stored;

	private @Nullable JsonNode tree;

	private boolean removed;

	private boolean provisional;

	private String quotedDataKey;

	/**
	 * Identifies the frames of this life of the state on this instance; replaced when a
	 * provisional cell joins the store's state, whose versions are not comparable.
	 */
	private Object life = new Object();

	// in System.nanoTime() terms, written before the batch in flight makes its first call
	private volatile long deadline;

	// when this instance first saw the state, for incarnations that do not tell when the
	// state was created
	private final long firstSeen;

	StateCell(EvStateManager manager, StoredState stored) {
		this(manager, stored, false);
	}

	StateCell(EvStateManager manager, StoredState stored, boolean provisional) {
		this.manager = manager;
		this.key = stored.key();
		this.stored = stored;
		this.provisional = provisional;
		this.quotedDataKey = StateCodec.quote(stored.dataKey());
		this.timeout = manager.store().timeout();
		this.firstSeen = manager.now();
	}

	// ---- reading

	synchronized StoredState stored() {
		return this.stored;
	}

	synchronized long version() {
		return this.stored.version();
	}

	synchronized boolean isRemoved() {
		return this.removed;
	}

	synchronized boolean isProvisional() {
		return this.provisional;
	}

	synchronized Object life() {
		return this.life;
	}

	/**
	 * Returns when the life of the state this cell holds was created, in epoch
	 * milliseconds.
	 */
	long createdAt() {
		Long createdAt = StateIncarnation.createdAt(stored().incarnation());
		return (createdAt != null) ? createdAt : this.firstSeen;
	}

	/**
	 * Returns the frame that ends this life of the state on its channel: a version above
	 * any other of this life, so that a listener takes nothing of this life after it.
	 */
	synchronized StateFrame removedFrame() {
		return new StateFrame(this.key, this.life, Long.MAX_VALUE, SseEncoder.encode(null, this.key, REMOVED));
	}

	/**
	 * Returns the latest value as a tree, with its version, parsed once per version.
	 */
	synchronized Snapshot snapshot() {
		if (this.tree == null) {
			this.tree = this.manager.codec().parse(this.stored.json());
		}
		return new Snapshot(this.stored.version(), this.tree);
	}

	synchronized StateFrame frame() {
		return frameOf(this.stored);
	}

	private StateFrame frameOf(StoredState state) {
		StringBuilder data = new StringBuilder(state.json().length() + 48).append('{')
			.append(this.quotedDataKey)
			.append(':')
			.append(state.json())
			.append(",\"version\":")
			.append(state.version());
		if (state.operationId() != null) {
			data.append(",\"operationId\":").append(StateCodec.quote(state.operationId()));
		}
		data.append('}');
		return new StateFrame(this.key, this.life, state.version(), SseEncoder.encode(null, this.key, data.toString()));
	}

	@SuppressWarnings("unchecked")
	<T> TypedEvState<T> view(JavaType type) {
		return (TypedEvState<T>) this.views.computeIfAbsent(type, (t) -> new TypedEvState<>(this, t));
	}

	/**
	 * Returns the view of a type the application declared the state with; the first
	 * declared is the one {@code getState(key)} returns.
	 */
	<T> TypedEvState<T> declare(JavaType type) {
		TypedEvState<T> view = view(type);
		if (this.declared == null) {
			this.declared = view;
		}
		return view;
	}

	@Nullable TypedEvState<?> declared() {
		return this.declared;
	}

	EvStateManager manager() {
		return this.manager;
	}

	// ---- changes from the store

	/**
	 * Adopts a newer version of the same incarnation.
	 * @return the frame to broadcast, or {@code null} if the version is not newer
	 */
	@Nullable StateFrame apply(StoredState next) {
		synchronized (this) {
			if (this.removed || next.version() <= this.stored.version()) {
				return null;
			}
			this.stored = next;
			this.tree = null;
			return frameOf(next);
		}
	}

	/**
	 * Joins a provisional cell to the state as the store holds it.
	 * @return the frame to broadcast, or {@code null} if the cell is not provisional
	 */
	@Nullable StateFrame confirm(StoredState current) {
		synchronized (this) {
			if (!this.provisional || this.removed) {
				return null;
			}
			this.provisional = false;
			this.stored = current;
			this.tree = null;
			this.quotedDataKey = StateCodec.quote(current.dataKey());
			this.life = new Object();
			return frameOf(current);
		}
	}

	void markRemoved() {
		synchronized (this) {
			this.removed = true;
		}
		signal();
	}

	// ---- updates made here

	<T> Mono<T> update(UnaryOperator<T> function, JavaType type) {
		FunctionUpdate<T> update = new FunctionUpdate<>(function, type);
		return enqueue(update) ? update.sink.asMono() : Mono.error(new EvStateRemovedException(this.key));
	}

	/**
	 * Applies a JSON merge patch, which must leave a value of the given type.
	 */
	Mono<EvStateVersion> patch(JsonNode patch, JavaType type, @Nullable String operationId) {
		PatchUpdate update = new PatchUpdate(patch, type, operationId);
		return enqueue(update) ? update.sink.asMono() : Mono.error(new EvStateRemovedException(this.key));
	}

	private boolean enqueue(Update update) {
		if (isRemoved()) {
			return false;
		}
		this.updates.add(update);
		signal();
		return true;
	}

	private void signal() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			if (!this.busy) {
				List<Update> batch = poll();
				if (!batch.isEmpty()) {
					this.busy = true;
					this.deadline = batch.get(0).askedAt + ((this.timeout != null) ? this.timeout.toNanos() : 0);
					attempt(batch, stored(), 1);
				}
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * Takes the next batch. A write with an operation id goes alone, so that the store
	 * can recognise a retry of it and the broadcast of its version can name it.
	 */
	private List<Update> poll() {
		List<Update> batch = new ArrayList<>();
		Update next;
		while (batch.size() < MAX_BATCH && (next = this.updates.peek()) != null) {
			if (next.operationId() != null && !batch.isEmpty()) {
				break;
			}
			batch.add(this.updates.poll());
			if (next.operationId() != null) {
				break;
			}
		}
		return batch;
	}

	private void batchDone() {
		this.busy = false;
		signal();
	}

	private void attempt(List<Update> batch, StoredState base, int attempt) {
		if (isRemoved()) {
			fail(batch, new EvStateRemovedException(this.key));
			return;
		}
		if (attempt > MAX_ATTEMPTS) {
			fail(batch, new IllegalStateException(
					"State '" + this.key + "' could not be updated: " + MAX_ATTEMPTS + " attempts met a conflict"));
			return;
		}
		if (isProvisional()) {
			createThenRetry(batch, attempt);
			return;
		}
		Snapshot latest = snapshot();
		JsonNode baseTree = (latest.version() == base.version()) ? latest.tree()
				: this.manager.codec().parse(base.json());
		JsonNode current = baseTree;
		for (Update update : batch) {
			current = update.apply(current, this.manager.codec(), this.key);
		}
		if (StateCodec.sameJson(current, baseTree)) {
			complete(batch, base);
			return;
		}
		String operationId = (batch.size() == 1) ? batch.get(0).operationId() : null;
		long started = System.nanoTime();
		withinDeadline(this.manager.store()
			.compareAndSet(this.key, base.version(), this.manager.codec().write(current), operationId))
			.subscribe((result) -> {
				this.manager.metrics()
					.stateUpdated(
							result.updated() ? UpdateOutcome.SUCCESS
									: (result.missing() ? UpdateOutcome.ERROR : UpdateOutcome.CONFLICT),
							System.nanoTime() - started);
				onCompareAndSet(batch, base, attempt, result);
			}, (ex) -> {
				this.manager.metrics().stateUpdated(UpdateOutcome.ERROR, System.nanoTime() - started);
				fail(batch, this.manager.unavailable("update state '" + this.key + "'", ex));
			});
	}

	private void onCompareAndSet(List<Update> batch, StoredState base, int attempt, CompareAndSetResult result) {
		StoredState current = result.current();
		if (current == null) {
			restoreThenRetry(batch, base, attempt);
			return;
		}
		if (!current.sameIncarnation(base)) {
			this.manager.onIncarnation(current);
			fail(batch, new EvStateRemovedException(this.key));
			return;
		}
		this.manager.onStored(this, current);
		if (result.updated()) {
			complete(batch, current);
		}
		else {
			attempt(batch, current, attempt + 1);
		}
	}

	/**
	 * Creates the state of a provisional cell in the store, unless it exists there, and
	 * applies the batch to the value the store holds.
	 */
	private void createThenRetry(List<Update> batch, int attempt) {
		withinDeadline(this.manager.store().create(stored())).subscribe((created) -> {
			this.manager.onStored(this, created);
			attempt(batch, stored(), attempt + 1);
		}, (ex) -> fail(batch, this.manager.unavailable("update state '" + this.key + "'", ex)));
	}

	private void restoreThenRetry(List<Update> batch, StoredState base, int attempt) {
		withinDeadline(this.manager.store().restore(base)).map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.subscribe((restored) -> {
				if (restored.isEmpty()) {
					this.manager.onRemoved(this.key);
					fail(batch, new EvStateRemovedException(this.key));
				}
				else {
					attempt(batch, restored.get(), attempt + 1);
				}
			}, (ex) -> fail(batch, this.manager.unavailable("update state '" + this.key + "'", ex)));
	}

	private void complete(List<Update> batch, StoredState after) {
		batch.forEach((update) -> update.complete(after, this.manager.codec()));
		batchDone();
	}

	private void fail(List<Update> batch, Throwable error) {
		batch.forEach((update) -> update.fail(error));
		if (error instanceof EvUnavailableException) {
			// the updates queued meanwhile would wait for the same store: fail them now,
			// rather than give each batch a timeout of its own
			Update queued;
			while ((queued = this.updates.poll()) != null) {
				queued.fail(error);
			}
		}
		batchDone();
	}

	/**
	 * Bounds a call of the batch in flight by its deadline.
	 */
	private <T> Mono<T> withinDeadline(Mono<T> call) {
		Duration timeout = this.timeout;
		if (timeout == null) {
			return call;
		}
		long left = this.deadline - System.nanoTime();
		if (left <= 0) {
			return Mono.error(timedOut(timeout, new TimeoutException("The deadline of the update passed")));
		}
		return call.timeout(Duration.ofNanos(left)).onErrorMap(TimeoutException.class, (ex) -> timedOut(timeout, ex));
	}

	private EvUnavailableException timedOut(Duration timeout, Throwable cause) {
		return new EvUnavailableException(
				"Could not update state '" + this.key + "': the state store did not answer within " + timeout, cause);
	}

	/**
	 * A value and its version.
	 */
	record Snapshot(long version, JsonNode tree) {
	}

	/**
	 * One change asked for on this instance, waiting in the queue.
	 */
	private abstract static class Update {

		final long askedAt = System.nanoTime();

		/**
		 * Applies the change to a copy of the value; a change that fails leaves the value
		 * as it was and fails only its own update.
		 */
		abstract JsonNode apply(JsonNode current, StateCodec codec, String key);

		abstract @Nullable String operationId();

		/**
		 * Reports the outcome once the batch is stored as {@code after}.
		 */
		abstract void complete(StoredState after, StateCodec codec);

		abstract void fail(Throwable ex);

	}

	/**
	 * One call to {@link EvState#set}.
	 */
	private static final class FunctionUpdate<T> extends Update {

		final UnaryOperator<T> function;

		final JavaType type;

		final Sinks.One<T> sink = Sinks.one();

		private @Nullable T result;

		private @Nullable RuntimeException error;

		FunctionUpdate(UnaryOperator<T> function, JavaType type) {
			this.function = function;
			this.type = type;
		}

		@Override
		JsonNode apply(JsonNode current, StateCodec codec, String key) {
			this.result = null;
			this.error = null;
			try {
				T value = this.function.apply(codec.read(current, this.type, key));
				JsonNode next = codec.tree(value, key);
				this.result = value;
				return next;
			}
			catch (RuntimeException ex) {
				this.error = ex;
				return current;
			}
		}

		@Override
		@Nullable String operationId() {
			return null;
		}

		@Override
		void complete(StoredState after, StateCodec codec) {
			if (this.error != null) {
				this.sink.tryEmitError(this.error);
			}
			else if (this.result != null) {
				this.sink.tryEmitValue(this.result);
			}
			else {
				this.sink.tryEmitEmpty();
			}
		}

		@Override
		void fail(Throwable ex) {
			this.sink.tryEmitError(ex);
		}

	}

	/**
	 * One JSON merge patch, from {@link EvState#patch} or a client.
	 */
	private static final class PatchUpdate extends Update {

		final JsonNode patch;

		final JavaType type;

		final @Nullable String operationId;

		final Sinks.One<EvStateVersion> sink = Sinks.one();

		private @Nullable JsonNode result;

		private @Nullable RuntimeException error;

		PatchUpdate(JsonNode patch, JavaType type, @Nullable String operationId) {
			this.patch = patch;
			this.type = type;
			this.operationId = operationId;
		}

		@Override
		JsonNode apply(JsonNode current, StateCodec codec, String key) {
			this.result = null;
			this.error = null;
			JsonNode next = MergePatch.apply(current, this.patch);
			try {
				codec.read(next, this.type, key);
			}
			catch (IllegalStateException ex) {
				this.error = new EvStateUpdateRefusedException(key, "the patch would leave a value that is not a "
						+ this.type.getRawClass().getSimpleName() + ": " + rootMessage(ex));
				return current;
			}
			this.result = next;
			return next;
		}

		@Override
		@Nullable String operationId() {
			return this.operationId;
		}

		@Override
		void complete(StoredState after, StateCodec codec) {
			if (this.error != null) {
				this.sink.tryEmitError(this.error);
				return;
			}
			// a write with an id is alone in its batch: the stored value is its outcome,
			// also when the store recognised a retry and wrote nothing
			JsonNode value = (this.operationId != null || this.result == null) ? codec.parse(after.json())
					: this.result;
			this.sink.tryEmitValue(new EvStateVersion(after.key(), after.version(), value, this.operationId));
		}

		@Override
		void fail(Throwable ex) {
			this.sink.tryEmitError(ex);
		}

		private static String rootMessage(IllegalStateException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof tools.jackson.core.JacksonException jackson) {
				return jackson.getOriginalMessage();
			}
			return String.valueOf(ex.getMessage());
		}

	}

}
