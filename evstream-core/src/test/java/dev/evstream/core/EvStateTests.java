package dev.evstream.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.evstream.test.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EvStateTests {

	private final EvStreamManager streams = Engines.streams().build();

	private final EvStateManager states = Engines.states(this.streams);

	@AfterEach
	void close() {
		this.states.close();
		this.streams.close();
	}

	@Test
	void createStateShouldStartAtVersionOne() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		assertThat(counter.get()).isZero();
		assertThat(counter.version()).isEqualTo(1);
		assertThat(counter.key()).isEqualTo("counter");
	}

	@Test
	void setShouldBumpVersionAndBroadcast() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		StreamRecorder recorder = listen("counter");
		StepVerifier.create(counter.set((n) -> n + 1)).expectNext(1).expectComplete().verify(Duration.ofSeconds(1));
		assertThat(counter.get()).isEqualTo(1);
		assertThat(counter.version()).isEqualTo(2);
		assertThat(recorder.data("counter")).containsExactly("{\"value\":0,\"version\":1}",
				"{\"value\":1,\"version\":2}");
	}

	@Test
	void setWhenValueUnchangedShouldNotBroadcastNorBumpVersion() {
		EvState<Map<String, Object>> state = this.states.createStateBlocking("prefs",
				new TypeReference<Map<String, Object>>() {
				}, Map.of("a", 1, "b", List.of(1, 2)));
		StreamRecorder recorder = listen("prefs");
		StepVerifier.create(state.set(Map.of("b", List.of(1, 2), "a", 1)))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(1));
		StepVerifier.create(state.set((current) -> current))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(1));
		assertThat(state.version()).isEqualTo(1);
		assertThat(recorder.events("prefs")).hasSize(1);
	}

	@Test
	void setWhenNumberHasOtherRepresentationShouldNotBroadcast() {
		EvState<Long> state = this.states.createStateBlocking("big", Long.class, 5L);
		state.set(5L);
		assertThat(state.version()).isEqualTo(1);
	}

	@Test
	void setShouldActWithoutSubscription() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		counter.set((n) -> n + 5);
		assertThat(counter.get()).isEqualTo(5);
	}

	@Test
	void concurrentSetsShouldLoseNothing() throws Exception {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		StreamRecorder recorder = listen("counter");
		int threads = 16;
		int perThread = 1000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Mono<Integer>> results = new ArrayList<>();
		List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(pool.submit(() -> {
				start.await();
				List<Mono<Integer>> mine = new ArrayList<>();
				for (int i = 0; i < perThread; i++) {
					mine.add(counter.set((n) -> n + 1));
				}
				synchronized (results) {
					results.addAll(mine);
				}
				return null;
			}));
		}
		start.countDown();
		for (java.util.concurrent.Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		pool.shutdown();
		List<Integer> values = Mono.when(results)
			.then(Mono.fromSupplier(() -> results.stream().map(Mono::block).toList()))
			.block(Duration.ofSeconds(30));
		assertThat(counter.get()).isEqualTo(threads * perThread);
		assertThat(values).doesNotHaveDuplicates().hasSize(threads * perThread);
		List<Integer> seen = recorder.data("counter")
			.stream()
			.map((data) -> Integer.parseInt(data.replaceAll("^\\{\"value\":(\\d+),.*", "$1")))
			.toList();
		assertThat(seen).isSorted().doesNotHaveDuplicates().last().isEqualTo(threads * perThread);
	}

	@Test
	void setShouldApplyInOrderOnOneInstance() {
		EvState<String> state = this.states.createStateBlocking("s", "");
		state.set("a");
		state.set("b");
		state.set((s) -> s + "c");
		assertThat(state.get()).isEqualTo("bc");
	}

	@Test
	void setWhenFunctionThrowsShouldFailThatUpdateOnly() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		Mono<Integer> failed = counter.set((n) -> {
			throw new IllegalStateException("boom");
		});
		StepVerifier.create(failed).expectErrorMessage("boom").verify(Duration.ofSeconds(1));
		assertThat(counter.version()).isEqualTo(1);
		StepVerifier.create(counter.set((n) -> n + 1)).expectNext(1).expectComplete().verify(Duration.ofSeconds(1));
	}

	@Test
	void setWhenValueCannotBeWrittenShouldFail() {
		EvState<Object> state = this.states.createStateBlocking("obj", Object.class, "x");
		StepVerifier.create(state.set(new Unwritable()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("cannot be written as JSON"))
			.verify(Duration.ofSeconds(1));
		assertThat(state.get()).isEqualTo("x");
	}

	@Test
	void typedStateShouldRoundTripRecordsAndGenericTypes() {
		EvState<Todo> todo = this.states.createStateBlocking("todo", Todo.class, new Todo("write tests", false));
		todo.set((t) -> new Todo(t.title(), true));
		assertThat(todo.get()).isEqualTo(new Todo("write tests", true));
		EvState<List<Todo>> todos = this.states.createStateBlocking("todos", new TypeReference<List<Todo>>() {
		}, List.of());
		todos.set((list) -> {
			List<Todo> next = new ArrayList<>(list);
			next.add(new Todo("a", false));
			return next;
		});
		assertThat(todos.get()).containsExactly(new Todo("a", false));
	}

	@Test
	void mutatingValueInPlaceShouldNotBypassBroadcast() {
		EvState<List<String>> names = this.states.createStateBlocking("names", new TypeReference<List<String>>() {
		}, new ArrayList<>(List.of("ann")));
		StreamRecorder recorder = listen("names");
		names.get().add("bob");
		assertThat(names.get()).containsExactly("ann");
		names.set((list) -> {
			list.add("cid");
			return list;
		});
		assertThat(names.get()).containsExactly("ann", "cid");
		assertThat(recorder.data("names")).containsExactly("{\"value\":[\"ann\"],\"version\":1}",
				"{\"value\":[\"ann\",\"cid\"],\"version\":2}");
	}

	@Test
	void createStateWhenExistingShouldReturnItUnchanged() {
		EvState<Integer> first = this.states.createStateBlocking("counter", 0);
		first.set(7);
		EvState<Integer> again = this.states.createStateBlocking("counter", 0);
		assertThat(again.get()).isEqualTo(7);
		assertThat(again).isSameAs(first);
	}

	@Test
	void createStateWithInvalidKeyShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.states.createStateBlocking("no spaces", 0))
			.withMessageContaining("is invalid");
	}

	@Test
	void createStateWithOtherDataKeyThanExistingShouldThrow() {
		this.states.createStateBlocking("counter", 0);
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> this.states.createStateBlocking("counter", Integer.class, 0, EvStateOptions.dataKey("count")))
			.withMessage("State 'counter' exists with data key 'value', not 'count'");
	}

	@Test
	void dataKeyShouldNameTheFieldOfBroadcasts() {
		EvState<Integer> counter = this.states.createStateBlocking("users", Integer.class, 3,
				EvStateOptions.dataKey("count"));
		StreamRecorder recorder = listen("users");
		counter.set(4);
		assertThat(recorder.data("users")).containsExactly("{\"count\":3,\"version\":1}",
				"{\"count\":4,\"version\":2}");
	}

	@Test
	void getStateHasStateAndKeysShouldFindStates() {
		this.states.createStateBlocking("b", "x");
		this.states.createStateBlocking("a", 1);
		assertThat(this.states.hasState("a")).isTrue();
		assertThat(this.states.hasState("zz")).isFalse();
		assertThat(this.states.getState("zz")).isNull();
		assertThat(this.states.getState("a").get()).isEqualTo(1);
		assertThat(this.states.getState("a", JsonNode.class).get().intValue()).isEqualTo(1);
		assertThat(this.states.stateKeys()).containsExactly("a", "b");
	}

	@Test
	void removeStateShouldStopBroadcastingAndFailUpdates() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		StreamRecorder recorder = listen("counter");
		StepVerifier.create(this.states.removeState("counter"))
			.expectNext(true)
			.expectComplete()
			.verify(Duration.ofSeconds(1));
		assertThat(counter.isRemoved()).isTrue();
		assertThat(this.states.hasState("counter")).isFalse();
		StepVerifier.create(counter.set(5)).expectError(EvStateRemovedException.class).verify(Duration.ofSeconds(1));
		// the value, then the last event of the removed state, then nothing
		assertThat(recorder.data("counter")).containsExactly("{\"value\":0,\"version\":1}", "{\"removed\":true}");
		StepVerifier.create(this.states.removeState("counter"))
			.expectNext(false)
			.expectComplete()
			.verify(Duration.ofSeconds(1));
	}

	@Test
	void recreatedStateShouldBroadcastOnceAgainWithoutDoubles() {
		this.states.createStateBlocking("counter", 0).set(9);
		StreamRecorder recorder = listen("counter");
		this.states.removeState("counter");
		EvState<Integer> again = this.states.createStateBlocking("counter", 100);
		again.set((n) -> n + 1);
		assertThat(recorder.data("counter")).containsExactly("{\"value\":9,\"version\":2}", "{\"removed\":true}",
				"{\"value\":100,\"version\":1}", "{\"value\":101,\"version\":2}");
		assertThat(again.version()).isEqualTo(2);
		this.streams.send("other", EvMessage.of("x"));
		assertThat(this.streams.listenerCount("counter")).isEqualTo(1);
	}

	@Test
	void slowListenerShouldReceiveLatestValueOnly() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		EvStream stream = this.streams.createStream();
		stream.listen("counter");
		StreamRecorder recorder = StreamRecorder.stalled(stream);
		for (int i = 1; i <= 5000; i++) {
			counter.set(i);
		}
		assertThat(stream.isClosed()).isFalse();
		recorder.request(Long.MAX_VALUE);
		assertThat(recorder.data("counter")).containsExactly("{\"value\":5000,\"version\":5001}");
	}

	@Test
	void listenerShouldSeeVersionsOnlyGoUp() {
		EvState<Integer> counter = this.states.createStateBlocking("counter", 0);
		StreamRecorder recorder = listen("counter");
		for (int i = 1; i <= 50; i++) {
			counter.set(i);
		}
		List<String> ids = recorder.events("counter").stream().map(SseEvent::data).toList();
		assertThat(ids).hasSize(51).doesNotHaveDuplicates();
	}

	private StreamRecorder listen(String channel) {
		EvStream stream = this.streams.createStream();
		stream.listen(channel);
		return StreamRecorder.read(stream);
	}

	record Todo(String title, boolean done) {
	}

	static class Unwritable {

		public String getValue() {
			throw new IllegalStateException("not today");
		}

	}

}
