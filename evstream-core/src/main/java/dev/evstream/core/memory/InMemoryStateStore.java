package dev.evstream.core.memory;

import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredState;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.evstream.core.bus.StateChanged;
import dev.evstream.core.bus.StateRemoved;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The embedded default {@link StateStore}: states in this process's memory, for a single
 * instance; they live as long as the process. Each write holds the lock of its key while
 * it publishes on the {@link InMemoryEventBus}, so events of one state are delivered in
 * version order.
 *
 * @since 0.1.0
 */
public final class InMemoryStateStore implements StateStore {

	private static final int LOCK_STRIPES = 64;

	private final ConcurrentMap<String, StoredState> states = new ConcurrentHashMap<>();

	private final Object[] locks = new Object[LOCK_STRIPES];

	private final InMemoryEventBus bus;

	private final RecentOperations<Boolean> operations = new RecentOperations<>(StateStore.OPERATION_RETENTION,
			RecentOperations.DEFAULT_CAPACITY);

	/**
	 * Creates a store that publishes its writes on the given bus.
	 * @param bus the bus of this instance
	 */
	InMemoryStateStore(InMemoryEventBus bus) {
		this.bus = Objects.requireNonNull(bus, "'bus' must not be null");
		for (int i = 0; i < LOCK_STRIPES; i++) {
			this.locks[i] = new Object();
		}
	}

	@Override
	public Mono<StoredState> get(String key) {
		return Mono.fromSupplier(() -> this.states.get(key));
	}

	@Override
	public Flux<StoredState> getAll() {
		return Flux.defer(() -> Flux.fromIterable(this.states.values()));
	}

	@Override
	public Mono<StoredState> create(StoredState initial) {
		return Mono.fromSupplier(() -> {
			synchronized (lockFor(initial.key())) {
				StoredState existing = this.states.get(initial.key());
				if (existing != null) {
					return existing;
				}
				this.states.put(initial.key(), initial);
				this.bus.deliver(new StateChanged(initial, true));
				return initial;
			}
		});
	}

	@Override
	public Mono<CompareAndSetResult> compareAndSet(String key, long expectedVersion, String json,
			@Nullable String operationId) {
		return Mono.fromSupplier(() -> {
			synchronized (lockFor(key)) {
				StoredState current = this.states.get(key);
				if (current != null && operationId != null && this.operations.seen(key, operationId)) {
					return new CompareAndSetResult(true, current);
				}
				if (current == null || current.version() != expectedVersion) {
					return new CompareAndSetResult(false, current);
				}
				StoredState next = current.next(json, operationId);
				this.states.put(key, next);
				if (operationId != null) {
					this.operations.remember(key, operationId, Boolean.TRUE);
				}
				this.bus.deliver(new StateChanged(next, false));
				return new CompareAndSetResult(true, next);
			}
		});
	}

	@Override
	public Mono<StoredState> restore(StoredState state) {
		// memory is never lost while the process lives: an absent state was removed
		return get(state.key());
	}

	@Override
	public Mono<Boolean> remove(String key) {
		return Mono.fromSupplier(() -> {
			synchronized (lockFor(key)) {
				if (this.states.remove(key) == null) {
					return false;
				}
				this.bus.deliver(new StateRemoved(key));
				return true;
			}
		});
	}

	@Override
	public Mono<Boolean> remove(String key, String incarnation) {
		return Mono.fromSupplier(() -> {
			synchronized (lockFor(key)) {
				StoredState current = this.states.get(key);
				if (current == null || !current.incarnation().equals(incarnation)) {
					return false;
				}
				this.states.remove(key);
				this.bus.deliver(new StateRemoved(key));
				return true;
			}
		});
	}

	private Object lockFor(String key) {
		return this.locks[(key.hashCode() & 0x7fffffff) % LOCK_STRIPES];
	}

}
