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

	final String key;

	private final EvStateManager manager;

	private final @Nullable Duration timeout;

	private final ConcurrentMap<JavaType, TypedEvState<?>> views = new ConcurrentHashMap<>(2);

	private final ConcurrentLinkedQueue<Update<?>> updates = new ConcurrentLinkedQueue<>();

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
		String data = "{" + this.quotedDataKey + ":" + state.json() + "}";
		return new StateFrame(this.key, this.life, state.version(), SseEncoder.encode(null, this.key, data));
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
		Update<T> update = new Update<>(function, type);
		if (isRemoved()) {
			return Mono.error(new EvStateRemovedException(this.key));
		}
		this.updates.add(update);
		signal();
		return update.sink.asMono();
	}

	private void signal() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			if (!this.busy) {
				List<Update<?>> batch = poll();
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

	private List<Update<?>> poll() {
		List<Update<?>> batch = new ArrayList<>();
		Update<?> next;
		while (batch.size() < MAX_BATCH && (next = this.updates.poll()) != null) {
			batch.add(next);
		}
		return batch;
	}

	private void batchDone() {
		this.busy = false;
		signal();
	}

	private void attempt(List<Update<?>> batch, StoredState base, int attempt) {
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
		for (Update<?> update : batch) {
			current = update.apply(current, this.manager.codec(), this.key);
		}
		if (StateCodec.sameJson(current, baseTree)) {
			complete(batch);
			return;
		}
		long started = System.nanoTime();
		withinDeadline(
				this.manager.store().compareAndSet(this.key, base.version(), this.manager.codec().write(current)))
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

	private void onCompareAndSet(List<Update<?>> batch, StoredState base, int attempt, CompareAndSetResult result) {
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
			complete(batch);
		}
		else {
			attempt(batch, current, attempt + 1);
		}
	}

	/**
	 * Creates the state of a provisional cell in the store, unless it exists there, and
	 * applies the batch to the value the store holds.
	 */
	private void createThenRetry(List<Update<?>> batch, int attempt) {
		withinDeadline(this.manager.store().create(stored())).subscribe((created) -> {
			this.manager.onStored(this, created);
			attempt(batch, stored(), attempt + 1);
		}, (ex) -> fail(batch, this.manager.unavailable("update state '" + this.key + "'", ex)));
	}

	private void restoreThenRetry(List<Update<?>> batch, StoredState base, int attempt) {
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

	private void complete(List<Update<?>> batch) {
		batch.forEach(Update::complete);
		batchDone();
	}

	private void fail(List<Update<?>> batch, Throwable error) {
		batch.forEach((update) -> update.fail(error));
		if (error instanceof EvUnavailableException) {
			// the updates queued meanwhile would wait for the same store: fail them now,
			// rather than give each batch a timeout of its own
			Update<?> queued;
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
	 * One call to {@link EvState#set}, waiting in the queue.
	 */
	private static final class Update<T> {

		final UnaryOperator<T> function;

		final JavaType type;

		final Sinks.One<T> sink = Sinks.one();

		final long askedAt = System.nanoTime();

		private @Nullable T result;

		private @Nullable RuntimeException error;

		Update(UnaryOperator<T> function, JavaType type) {
			this.function = function;
			this.type = type;
		}

		/**
		 * Applies the function to a copy of the value; a function that fails leaves the
		 * value as it was and fails only its own update.
		 */
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

		void complete() {
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

		void fail(Throwable ex) {
			this.sink.tryEmitError(ex);
		}

	}

}
