package dev.evstream.core;

import java.util.ArrayList;
import java.util.List;
import dev.evstream.core.memory.InMemoryBackend;
import java.time.Duration;

import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.memory.InMemoryStateStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredState;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that never answers, and sets no timeout of its own, cannot keep an application
 * from starting: declaring a state waits a bounded time, then serves its initial value.
 */
class SilentStoreTests {

	private final InMemoryBackend memory = new InMemoryBackend();

	private final List<EvStreamManager> managers = new ArrayList<>();

	@AfterEach
	void close() {
		this.managers.forEach(EvStreamManager::close);
	}

	@Test
	void createStateWhenStoreWithTimeoutNeverAnswersShouldServeInitialValueAndRefuseWrites() {
		EvStateManager states = statesOn(new SilentStore(this.memory, Duration.ofSeconds(1)));
		EvState<Integer> counter = states.createStateBlocking("counter", Integer.class, 5);
		assertThat(counter.get()).isEqualTo(5);
		StepVerifier.create(counter.set(6)).expectError(EvUnavailableException.class).verify(Duration.ofSeconds(30));
		assertThat(counter.get()).isEqualTo(5);
		states.close();
	}

	@Test
	void createStateWhenStoreWithoutTimeoutNeverAnswersShouldServeInitialValueAfterTheBlockingBound() {
		EvStateManager states = statesOn(new SilentStore(this.memory, null));
		EvState<String> title = states.createStateBlocking("title", String.class, "draft");
		assertThat(title.get()).isEqualTo("draft");
		states.close();
	}

	private EvStateManager statesOn(StateStore store) {
		EvStreamManager streams = Engines.streams()
			.backend(Engines.backend(this.memory.bus(), store, this.memory.channelHistory()))
			.build();
		this.managers.add(streams);
		return Engines.states(streams);
	}

	/**
	 * Reads answer; creating and writing never do.
	 */
	private static final class SilentStore implements StateStore {

		private final InMemoryStateStore delegate;

		private final @Nullable Duration timeout;

		SilentStore(InMemoryBackend memory, @Nullable Duration timeout) {
			this.delegate = memory.stateStore();
			this.timeout = timeout;
		}

		@Override
		public @Nullable Duration timeout() {
			return this.timeout;
		}

		@Override
		public Mono<StoredState> get(String key) {
			return this.delegate.get(key);
		}

		@Override
		public Flux<StoredState> getAll() {
			return this.delegate.getAll();
		}

		@Override
		public Mono<StoredState> create(StoredState initial) {
			return Mono.never();
		}

		@Override
		public Mono<CompareAndSetResult> compareAndSet(String key, long expectedVersion, String json,
				@Nullable String operationId) {
			return Mono.never();
		}

		@Override
		public Mono<StoredState> restore(StoredState state) {
			return Mono.never();
		}

		@Override
		public Mono<Boolean> remove(String key) {
			return this.delegate.remove(key);
		}

		@Override
		public Mono<Boolean> remove(String key, String incarnation) {
			return this.delegate.remove(key, incarnation);
		}

	}

}
