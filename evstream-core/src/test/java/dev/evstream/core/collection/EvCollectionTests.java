package dev.evstream.core.collection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.backend.Backend;
import dev.evstream.core.bus.EventBus;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.store.CollectionStore;
import dev.evstream.core.store.GroupSnapshot;
import dev.evstream.core.store.ItemWrite;
import dev.evstream.core.store.ItemWriteResult;
import dev.evstream.core.store.LogStore;
import dev.evstream.core.store.OperationStore;
import dev.evstream.core.store.PresenceStore;
import dev.evstream.core.store.StateStore;
import dev.evstream.core.store.StoredItem;
import dev.evstream.core.store.TicketStore;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What each write and update operation does, and the clear errors that leave an item as
 * it was.
 */
class EvCollectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final EvStreamManager manager = EvStreamManager.builder()
		.jsonMapper(JSON)
		.backend(new InMemoryBackend())
		.build();

	private final EvCollections collections = new EvCollections(this.manager, JSON, new EvCollectionLimits(3, 200));

	private final EvCollection<Map<String, Object>> things = this.collections.collection("things",
			new TypeReference<Map<String, Object>>() {
			});

	@AfterEach
	void close() {
		this.collections.close();
		this.manager.close();
	}

	@Test
	void setGetListAndDelete() {
		this.things.set("g", "b", Map.of("n", 2)).block(TIMEOUT);
		this.things.set("g", "a", Map.of("n", 1)).block(TIMEOUT);
		this.things.set("h", "a", Map.of("n", 3)).block(TIMEOUT);
		assertThat(this.things.get("g", "a").block(TIMEOUT)).isEqualTo(Map.of("n", 1));
		assertThat(this.things.list("g").block(TIMEOUT)).containsExactly(Map.entry("a", Map.of("n", 1)),
				Map.entry("b", Map.of("n", 2)));
		assertThat(this.things.listGroups().block(TIMEOUT)).containsExactly("g", "h");
		assertThat(this.things.delete("h", "a").block(TIMEOUT)).isEqualTo(Map.of("n", 3));
		assertThat(this.things.delete("h", "a").blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.things.listGroups().block(TIMEOUT)).containsExactly("g");
		assertThat(this.things.listJson("g").block(TIMEOUT))
			.isEqualTo("[{\"id\":\"a\",\"data\":{\"n\":1}},{\"id\":\"b\",\"data\":{\"n\":2}}]");
	}

	@Test
	void updateShouldApplyEveryOperationInOrder() {
		this.things.set("g", "a", Map.of("n", 1, "tags", List.of("x"), "nested", Map.of("k", "v", "gone", 1)))
			.block(TIMEOUT);
		Map<String, Object> updated = this.things
			.update("g", "a", UpdateOp.increment("n", 41), UpdateOp.append("tags", "y"), UpdateOp.set("nested.k", "w"),
					UpdateOp.remove("nested.gone"), UpdateOp.merge("", Map.of("added", true)),
					UpdateOp.increment("fresh", 2.5), UpdateOp.append("list", 1), UpdateOp.set("tags.0", "z"))
			.block(TIMEOUT);
		assertThat(updated).containsEntry("n", 42)
			.containsEntry("tags", List.of("z", "y"))
			.containsEntry("nested", Map.of("k", "w"))
			.containsEntry("added", true)
			.containsEntry("fresh", 2.5)
			.containsEntry("list", List.of(1));
		assertThat(this.things.get("g", "a").block(TIMEOUT)).isEqualTo(updated);
	}

	@Test
	void failingOperationShouldFailTheUpdateAndWriteNothing() {
		this.things.set("g", "a", Map.of("n", 1, "s", "text", "list", List.of(1))).block(TIMEOUT);
		assertUpdateFails(UpdateOp.increment("s", 1), "Cannot increment 's': it is a string, not a number");
		assertUpdateFails(UpdateOp.append("n", 1), "Cannot append to 'n': it is a number, not an array");
		assertUpdateFails(UpdateOp.set("missing.x", 1), "Path 'missing' does not exist in the item");
		assertUpdateFails(UpdateOp.remove("nothing"), "Path 'nothing' does not exist in the item");
		assertUpdateFails(UpdateOp.set("list.5", 1), "Path 'list.5' does not exist in the item");
		assertUpdateFails(UpdateOp.set("list.x", 1), "indexes an array with 'x'");
		assertUpdateFails(UpdateOp.set("s.x", 1), "goes through a string");
		assertUpdateFails(UpdateOp.merge("n", Map.of("a", 1)), "Cannot merge into 'n': it is a number");
		assertUpdateFails(UpdateOp.set("", "not an object"), "The updated item is not a valid Map");
		assertThat(this.things.get("g", "a").block(TIMEOUT)).isEqualTo(Map.of("n", 1, "s", "text", "list", List.of(1)));
	}

	@Test
	void updateOfAMissingItemShouldFail() {
		assertThatExceptionOfType(EvCollectionItemNotFoundException.class)
			.isThrownBy(() -> this.things.update("g", "none", UpdateOp.set("a", 1)).block(TIMEOUT))
			.withMessage("Collection group 'things/g' has no item 'none'");
	}

	@Test
	void limitsShouldRefuseAndWriteNothing() {
		for (String id : List.of("a", "b", "c")) {
			this.things.set("g", id, Map.of()).block(TIMEOUT);
		}
		assertThatExceptionOfType(EvCollectionLimitException.class)
			.isThrownBy(() -> this.things.set("g", "d", Map.of()).block(TIMEOUT))
			.withMessage("Collection group 'things/g' already holds 3 items, the most allowed");
		assertThatExceptionOfType(EvCollectionLimitException.class)
			.isThrownBy(() -> this.things.set("g", "a", Map.of("big", "x".repeat(300))).block(TIMEOUT))
			.withMessageStartingWith("Item 'a' of 'things/g' would be 3");
		this.things.set("g", "a", Map.of("replaced", true)).block(TIMEOUT);
		assertThat(this.things.list("g").block(TIMEOUT)).hasSize(3).containsEntry("a", Map.of("replaced", true));
	}

	@Test
	void badNamesShouldBeRefusedAtOnce() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.things.set("a/b", "x", Map.of()))
			.withMessageContaining("Group name 'a/b' is invalid");
		assertThatIllegalArgumentException().isThrownBy(() -> this.things.get("g", ""))
			.withMessageContaining("Item id '' is invalid");
		assertThatIllegalArgumentException().isThrownBy(() -> this.collections.collection("a b", String.class))
			.withMessageContaining("Stream name 'a b' is invalid");
	}

	@Test
	void clientWritesShouldBeCheckedAgainstTheTypeAndAppliedOncePerOperationId() {
		EvCollection<Todo> todos = this.collections.collection("todos", Todo.class);
		JsonNode body = JSON.readTree("{\"op\":\"set\",\"data\":{\"title\":\"milk\",\"done\":false}}");
		EvCollectionItem first = todos
			.apply(EvCollectionWrite.fromJson("ann", "a", body), EvPrincipal.of("ann"), "op-1")
			.block(TIMEOUT);
		assertThat(first.data()).hasToString("{\"title\":\"milk\",\"done\":false}");
		JsonNode toggle = JSON
			.readTree("{\"op\":\"update\",\"ops\":[{\"op\":\"set\",\"path\":\"done\",\"value\":true}]}");
		todos.apply(EvCollectionWrite.fromJson("ann", "a", toggle), EvPrincipal.of("ann"), "op-2").block(TIMEOUT);
		JsonNode retitle = JSON
			.readTree("{\"op\":\"update\",\"ops\":[{\"op\":\"set\",\"path\":\"title\",\"value\":\"bread\"}]}");
		EvCollectionItem repeated = todos
			.apply(EvCollectionWrite.fromJson("ann", "a", retitle), EvPrincipal.of("ann"), "op-2")
			.block(TIMEOUT);
		assertThat(repeated.data()).hasToString("{\"title\":\"milk\",\"done\":true}");
		JsonNode wrongType = JSON
			.readTree("{\"op\":\"update\",\"ops\":[{\"op\":\"set\",\"path\":\"done\",\"value\":{\"no\":1}}]}");
		assertThatExceptionOfType(EvCollectionUpdateException.class)
			.isThrownBy(() -> todos.apply(EvCollectionWrite.fromJson("ann", "a", wrongType), null, null).block(TIMEOUT))
			.withMessageStartingWith("The updated item is not a valid Todo");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EvCollectionWrite.fromJson("ann", "a", JSON.readTree("{\"op\":\"upsert\"}")))
			.withMessage("A collection write needs 'op': set, update or delete");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EvCollectionWrite.fromJson("ann", "a",
					JSON.readTree("{\"op\":\"update\",\"ops\":[{\"op\":\"increment\",\"path\":\"n\"}]}")))
			.withMessage("An update operation 'increment' needs 'by'");
		assertThat(todos.get("ann", "a").block(TIMEOUT)).isEqualTo(new Todo("milk", true));
	}

	@Test
	void largeGroupShouldBeReadAndEncodedOffTheEventLoopThatAsks() throws Exception {
		List<String> storeThreads = new CopyOnWriteArrayList<>();
		InMemoryBackend memory = new InMemoryBackend();
		EvStreamManager streams = EvStreamManager.builder().jsonMapper(JSON).backend(new Backend() {

			@Override
			public EventBus bus() {
				return memory.bus();
			}

			@Override
			public StateStore stateStore() {
				return memory.stateStore();
			}

			@Override
			public ChannelHistory channelHistory() {
				return memory.channelHistory();
			}

			@Override
			public CollectionStore collectionStore() {
				return new ThreadRecordingStore(memory.collectionStore(), storeThreads);
			}

			@Override
			public LogStore logStore() {
				return memory.logStore();
			}

			@Override
			public OperationStore operationStore() {
				return memory.operationStore();
			}

			@Override
			public PresenceStore presenceStore() {
				return memory.presenceStore();
			}

			@Override
			public TicketStore ticketStore() {
				return memory.ticketStore();
			}

		}).build();
		EvCollections big = new EvCollections(streams, JSON);
		EvCollection<Map<String, Object>> items = big.collection("big", new TypeReference<Map<String, Object>>() {
		});
		for (int i = 0; i < 10_000; i++) {
			items.set("g", "item-" + i, Map.of("n", i)).block(TIMEOUT);
		}
		storeThreads.clear();
		List<String> emittedOn = new CopyOnWriteArrayList<>();
		List<Object> results = new CopyOnWriteArrayList<>();
		// a thread named as Reactor Netty names its event loops asks, as a handler would
		Thread eventLoop = new Thread(() -> {
			items.list("g").doOnNext((list) -> emittedOn.add(Thread.currentThread().getName())).subscribe(results::add);
			items.listJson("g")
				.doOnNext((json) -> emittedOn.add(Thread.currentThread().getName()))
				.subscribe(results::add);
			big.snapshot("big/g")
				.doOnNext((snapshot) -> emittedOn.add(Thread.currentThread().getName()))
				.subscribe(results::add);
		}, "reactor-http-nio-7");
		eventLoop.start();
		eventLoop.join();
		await().atMost(TIMEOUT).until(() -> results.size() == 3);
		assertThat(storeThreads).hasSize(3).allSatisfy((thread) -> assertThat(thread).startsWith("parallel-"));
		assertThat(emittedOn).hasSize(3).allSatisfy((thread) -> assertThat(thread).startsWith("parallel-"));
		assertThat(results).filteredOn(Map.class::isInstance)
			.singleElement()
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.hasSize(10_000);
		big.close();
		streams.close();
	}

	private void assertUpdateFails(UpdateOp op, String message) {
		assertThatExceptionOfType(EvCollectionUpdateException.class)
			.isThrownBy(() -> this.things.update("g", "a", op).block(TIMEOUT))
			.withMessageContaining(message);
	}

	record Todo(String title, boolean done) {
	}

	/**
	 * Records the threads that subscribe to the store's reads: where their work runs.
	 */
	private record ThreadRecordingStore(CollectionStore delegate, List<String> threads) implements CollectionStore {

		@Override
		public Mono<StoredItem> get(String stream, String group, String id) {
			return this.delegate.get(stream, group, id);
		}

		@Override
		public Mono<GroupSnapshot> snapshot(String stream, String group) {
			return Mono.defer(() -> {
				this.threads.add(Thread.currentThread().getName());
				return this.delegate.snapshot(stream, group);
			});
		}

		@Override
		public Flux<String> groups(String stream) {
			return this.delegate.groups(stream);
		}

		@Override
		public Mono<ItemWriteResult> write(ItemWrite write) {
			return this.delegate.write(write);
		}

		@Override
		public Mono<Long> send(String stream, String group, String data) {
			return this.delegate.send(stream, group, data);
		}

	}

}
