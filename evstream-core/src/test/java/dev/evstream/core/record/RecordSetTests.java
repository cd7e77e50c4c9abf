package dev.evstream.core.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.record.TodoTable.Todo;
import dev.evstream.core.record.TodoTable.TodoAction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a record set loads, what its actions do to the application's database and its
 * channel, and how a client's operation id makes an action run once.
 */
class RecordSetTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final EvPrincipal ANN = EvPrincipal.of("ann");

	private final InMemoryBackend backend = new InMemoryBackend();

	private final EvStreamManager manager = EvStreamManager.builder().jsonMapper(JSON).backend(this.backend).build();

	private final EvRecords records = new EvRecords(this.manager, JSON);

	private final TodoTable table = new TodoTable();

	private final AtomicInteger handled = new AtomicInteger();

	private final List<String> threads = new CopyOnWriteArrayList<>();

	private final EvRecordSet<Todo, TodoAction> todos = this.records.register("todos",
			model().onAction((recordSet, action, principal) -> Flux.defer(() -> {
				this.threads.add("handler " + Thread.currentThread().getName());
				this.handled.incrementAndGet();
				return Flux.fromIterable(this.table.apply(action));
			})));

	@AfterEach
	void close() {
		this.manager.close();
	}

	@Test
	void loadJsonShouldListLiveRecordsAndTombstonesInIdOrder() {
		this.table.put("b", "milk");
		this.table.put("c", "eggs");
		this.table.put("a", "bread \"white\"");
		this.table.delete("c");
		assertThat(this.todos.loadJson(0).block(TIMEOUT)).isEqualTo("{\"records\":["
				+ "{\"id\":\"a\",\"version\":3,\"record\":{\"id\":\"a\",\"text\":\"bread \\\"white\\\"\",\"version\":3,\"deletedAt\":null}},"
				+ "{\"id\":\"b\",\"version\":1,\"record\":{\"id\":\"b\",\"text\":\"milk\",\"version\":1,\"deletedAt\":null}},"
				+ "{\"id\":\"c\",\"version\":4,\"deleted\":true}]}");
		assertThat(this.todos.load(0).block(TIMEOUT)).extracting(Todo::id).containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void loadSinceAVersionShouldGiveOnlyTheRecordsChangedAfterIt() {
		this.table.put("a", "bread");
		this.table.put("b", "milk");
		this.table.put("c", "eggs");
		this.table.delete("a");
		assertThat(this.todos.loadJson(2).block(TIMEOUT)).isEqualTo("{\"records\":["
				+ "{\"id\":\"a\",\"version\":4,\"deleted\":true},"
				+ "{\"id\":\"c\",\"version\":3,\"record\":{\"id\":\"c\",\"text\":\"eggs\",\"version\":3,\"deletedAt\":null}}]}");
		assertThat(this.todos.load(3).block(TIMEOUT)).containsExactly(this.table.row("a"));
		assertThat(this.todos.loadJson(4).block(TIMEOUT)).isEqualTo("{\"records\":[]}");
	}

	@Test
	void loadSinceANegativeVersionShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.todos.load(-1))
			.withMessage("'sinceVersion' must not be negative, but was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.todos.loadJson(-5))
			.withMessage("'sinceVersion' must not be negative, but was -5");
	}

	@Test
	void actShouldBroadcastTheChangedRecordsOnce() {
		this.table.put("a", "bread");
		long before = head();
		List<Todo> changed = this.todos.act(TodoAction.edit("a", "rye bread"), ANN).block(TIMEOUT);
		assertThat(changed).containsExactly(new Todo("a", "rye bread", 2, null));
		assertThat(this.table.row("a")).isEqualTo(changed.get(0));
		assertThat(broadcastsAfter(before)).containsExactly("{\"op\":\"changes\",\"records\":["
				+ "{\"id\":\"a\",\"version\":2,\"record\":{\"id\":\"a\",\"text\":\"rye bread\",\"version\":2,\"deletedAt\":null}}]}");
		long afterEdit = head();
		this.todos.act(TodoAction.delete("a"), ANN).block(TIMEOUT);
		assertThat(broadcastsAfter(afterEdit))
			.containsExactly("{\"op\":\"changes\",\"records\":[{\"id\":\"a\",\"version\":3,\"deleted\":true}]}");
		assertThat(this.handled).hasValue(2);
	}

	@Test
	void actShouldBroadcastOnlyOnceTheHandlerCompleted() throws Exception {
		CountDownLatch emitted = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		EvRecordSet<Todo, TodoAction> slow = this.records.register("slow",
				model().onAction((recordSet, action, principal) -> Flux.concat(
						Flux.defer(() -> Flux.fromIterable(this.table.apply(action))).doOnComplete(emitted::countDown),
						Mono.fromRunnable(() -> await(commit)))));
		long before = head("slow");
		Mono<List<Todo>> acted = slow.act(TodoAction.create("a", "bread"), ANN);
		assertThat(emitted.await(5, TimeUnit.SECONDS)).isTrue();
		// the handler gave its record but has not committed
		assertThat(head("slow")).isEqualTo(before);
		commit.countDown();
		assertThat(acted.block(TIMEOUT)).containsExactly(new Todo("a", "bread", 1, null));
		assertThat(broadcastsAfter("slow", before)).hasSize(1);
	}

	@Test
	void actionThatChangesNothingShouldBroadcastNothing() {
		this.table.put("a", "bread");
		long before = head();
		assertThat(this.todos.act(TodoAction.edit("a", "bread"), ANN).block(TIMEOUT)).isEmpty();
		assertThat(this.todos.actFromClient(json(TodoAction.delete("zz")), ANN, null).block(TIMEOUT))
			.isEqualTo("{\"records\":[]}");
		assertThat(this.todos.actFromClient(json(TodoAction.delete("zz")), ANN, "op-nothing").block(TIMEOUT))
			.isEqualTo("{\"records\":[]}");
		assertThat(this.handled).hasValue(3);
		assertThat(head()).isEqualTo(before);
	}

	@Test
	void refusedActionShouldChangeNothingAndBroadcastNothing() {
		this.table.put("a", "bread");
		long before = head();
		assertThatExceptionOfType(EvActionRefusedException.class)
			.isThrownBy(() -> this.todos.act(TodoAction.create("a", "again"), ANN).block(TIMEOUT))
			.withMessage("Todo 'a' exists already");
		assertThatExceptionOfType(EvActionRefusedException.class)
			.isThrownBy(() -> this.todos.actFromClient(json(TodoAction.edit("b", "x")), ANN, "op-1").block(TIMEOUT))
			.withMessage("Todo 'b' does not exist");
		assertThat(this.table.rows()).containsOnlyKeys("a").containsEntry("a", new Todo("a", "bread", 1, null));
		assertThat(head()).isEqualTo(before);
	}

	@Test
	void failingHandlerShouldFailTheActionWithItsOwnException() {
		IllegalStateException failure = new IllegalStateException("connection reset by the database");
		EvRecordSet<Todo, TodoAction> failing = this.records.register("failing",
				model().onAction((recordSet, action, principal) -> Flux.error(failure)));
		assertThatThrownBy(() -> failing.act(TodoAction.create("a", "bread"), ANN).block(TIMEOUT)).isSameAs(failure);
		assertThatThrownBy(
				() -> failing.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT))
			.isSameAs(failure);
		assertThat(head("failing")).isZero();
	}

	@Test
	void handlerRunningLongerThanTheActionTimeoutShouldFailAsUnavailable() {
		EvRecordSet<Todo, TodoAction> stuck = this.records.register("stuck",
				model().onAction((recordSet, action, principal) -> Flux.never()));
		StepVerifier.withVirtualTime(() -> stuck.act(TodoAction.create("a", "bread"), ANN))
			.expectSubscription()
			.thenAwait(EvRecordSetModel.DEFAULT_ACTION_TIMEOUT.minusMillis(1))
			.expectNoEvent(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessage("The action of record set 'stuck' did not complete within 30000 ms"))
			.verify(TIMEOUT);
		EvRecordSet<Todo, TodoAction> quick = this.records.register("quick",
				model().actionTimeout(Duration.ofSeconds(2)).onAction((recordSet, action, principal) -> Flux.never()));
		StepVerifier.withVirtualTime(() -> quick.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1"))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(2))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessage("The action of record set 'quick' did not complete within 2000 ms"))
			.verify(TIMEOUT);
		assertThat(head("stuck")).isZero();
		assertThat(head("quick")).isZero();
	}

	@Test
	void setWithoutHandlerShouldRefuseActions() {
		EvRecordSet<Todo, TodoAction> readOnly = this.records.register("read-only", model());
		assertThatExceptionOfType(EvActionRefusedException.class)
			.isThrownBy(() -> readOnly.act(TodoAction.create("a", "bread"), ANN).block(TIMEOUT))
			.withMessage("Record set 'read-only' takes no actions");
		assertThatExceptionOfType(EvActionRefusedException.class)
			.isThrownBy(() -> readOnly.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT))
			.withMessage("Record set 'read-only' takes no actions");
		assertThat(this.table.rows()).isEmpty();
	}

	@Test
	void actionOfTheWrongShapeShouldBeRefusedBeforeTheHandlerRuns() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.todos.actFromClient(null, ANN, null))
			.withMessage("An action of record set 'todos' must be a TodoAction");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.todos.actFromClient(NullNode.getInstance(), ANN, null))
			.withMessage("An action of record set 'todos' must be a TodoAction");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.todos.actFromClient(JSON.readTree("[\"create\",\"a\"]"), ANN, null))
			.withMessage("The action is not a valid TodoAction of record set 'todos': Cannot deserialize value of type "
					+ "`dev.evstream.core.record.TodoTable$TodoAction` from Array value (token `JsonToken.START_ARRAY`)");
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> this.todos.actFromClient(JSON.readTree("{\"type\":\"create\",\"id\":{\"x\":1}}"), ANN, null))
			.withMessage("The action is not a valid TodoAction of record set 'todos': Cannot deserialize value of type "
					+ "`java.lang.String` from Object value (token `JsonToken.START_OBJECT`)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.todos.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op 1"))
			.withMessage("An operation id must be 1 to 64 characters among A-Z, a-z, 0-9, '_', '.', ':' and '-'");
		assertThat(this.handled).hasValue(0);
		assertThat(this.table.rows()).isEmpty();
	}

	@Test
	void broadcastShouldSendRecordsChangedOutsideActions() {
		Todo bread = this.table.put("a", "bread");
		Todo milk = this.table.put("b", "milk");
		Todo deleted = this.table.delete("a");
		long before = head();
		this.todos.broadcast(List.of(milk, deleted)).block(TIMEOUT);
		assertThat(broadcastsAfter(before)).containsExactly("{\"op\":\"changes\",\"records\":["
				+ "{\"id\":\"b\",\"version\":2,\"record\":{\"id\":\"b\",\"text\":\"milk\",\"version\":2,\"deletedAt\":null}},"
				+ "{\"id\":\"a\",\"version\":3,\"deleted\":true}]}");
		long afterBroadcast = head();
		this.todos.broadcast(List.of()).block(TIMEOUT);
		assertThat(head()).isEqualTo(afterBroadcast);
		assertThat(bread.version()).isEqualTo(1);
		assertThat(this.handled).hasValue(0);
	}

	@Test
	void retriedOperationIdShouldRunOnceAndAnswerAndBroadcastTheSameRecords() {
		String first = this.todos.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT);
		String retried = this.todos.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT);
		String entries = "[{\"id\":\"a\",\"version\":1,\"record\":{\"id\":\"a\",\"text\":\"bread\",\"version\":1,\"deletedAt\":null}}]";
		assertThat(first).isEqualTo("{\"records\":" + entries + "}");
		assertThat(retried).isEqualTo(first);
		assertThat(this.handled).hasValue(1);
		String broadcast = "{\"op\":\"changes\",\"records\":" + entries + ",\"operationId\":\"op-1\"}";
		assertThat(broadcastsAfter(0)).containsExactly(broadcast, broadcast);
		// the id belongs to this set only
		EvRecordSet<Todo, TodoAction> other = this.records.register("other",
				model().onAction((recordSet, action, principal) -> Flux.empty()));
		assertThat(other.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT))
			.isEqualTo("{\"records\":[]}");
	}

	@Test
	void operationIdHeldByARunningTryShouldAnswerRunningThenTheOutcome() throws Exception {
		CountDownLatch commit = new CountDownLatch(1);
		EvRecordSet<Todo, TodoAction> slow = this.records.register("slow",
				model().onAction((recordSet, action, principal) -> Flux.defer(() -> {
					this.handled.incrementAndGet();
					await(commit);
					return Flux.fromIterable(this.table.apply(action));
				})));
		JsonNode action = json(TodoAction.create("a", "bread"));
		Mono<String> first = slow.actFromClient(action, ANN, "op-1");
		assertThatExceptionOfType(EvActionRunningException.class)
			.isThrownBy(() -> slow.actFromClient(action, ANN, "op-1").block(TIMEOUT))
			.withMessage("Action 'op-1' of record set 'slow' is still running; retry it later for its outcome");
		commit.countDown();
		String outcome = first.block(TIMEOUT);
		assertThat(slow.actFromClient(action, ANN, "op-1").block(TIMEOUT)).isEqualTo(outcome);
		assertThat(this.handled).hasValue(1);
	}

	@Test
	void concurrentTriesOfOneOperationIdShouldRunTheHandlerOnce() throws Exception {
		int tries = 16;
		ExecutorService pool = Executors.newFixedThreadPool(tries);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<String>> outcomes = new ArrayList<>();
		for (int i = 0; i < tries; i++) {
			outcomes.add(pool.submit(() -> {
				start.await();
				try {
					return this.todos.actFromClient(json(TodoAction.create("a", "bread")), ANN, "op-1").block(TIMEOUT);
				}
				catch (EvActionRunningException ex) {
					return "running";
				}
			}));
		}
		start.countDown();
		List<String> answers = new ArrayList<>();
		for (Future<String> outcome : outcomes) {
			answers.add(outcome.get(30, TimeUnit.SECONDS));
		}
		pool.shutdown();
		String body = "{\"records\":[{\"id\":\"a\",\"version\":1,\"record\":{\"id\":\"a\",\"text\":\"bread\",\"version\":1,\"deletedAt\":null}}]}";
		// each try either ran, found the outcome, or found the id held by the one that
		// runs
		assertThat(answers).allSatisfy((answer) -> assertThat(answer).isIn(body, "running")).contains(body);
		assertThat(this.handled).hasValue(1);
		assertThat(this.table.lastVersion()).isEqualTo(1);
	}

	@Test
	void refusedOrFailedActionShouldReleaseItsOperationId() {
		assertThatExceptionOfType(EvActionRefusedException.class)
			.isThrownBy(() -> this.todos.actFromClient(json(TodoAction.edit("a", "rye")), ANN, "op-1").block(TIMEOUT));
		this.table.put("a", "bread");
		assertThat(this.todos.actFromClient(json(TodoAction.edit("a", "rye")), ANN, "op-1").block(TIMEOUT))
			.contains("\"text\":\"rye\"");
		AtomicBoolean fail = new AtomicBoolean(true);
		IllegalStateException failure = new IllegalStateException("deadlock detected");
		EvRecordSet<Todo, TodoAction> flaky = this.records
			.register("flaky", model().onAction((recordSet, action, principal) -> Flux.defer(
					() -> fail.getAndSet(false) ? Flux.error(failure) : Flux.fromIterable(this.table.apply(action)))));
		assertThatThrownBy(() -> flaky.actFromClient(json(TodoAction.create("b", "milk")), ANN, "op-2").block(TIMEOUT))
			.isSameAs(failure);
		assertThat(flaky.actFromClient(json(TodoAction.create("b", "milk")), ANN, "op-2").block(TIMEOUT))
			.contains("\"text\":\"milk\"");
		assertThat(this.table.rows()).containsOnlyKeys("a", "b");
	}

	@Test
	void handlerAndLoaderShouldRunOffTheEventLoop() throws Exception {
		this.table.put("a", "bread");
		AtomicReference<Mono<String>> acted = new AtomicReference<>();
		AtomicReference<Mono<String>> loaded = new AtomicReference<>();
		Thread eventLoop = new Thread(() -> {
			this.threads.add("caller " + Thread.currentThread().getName());
			acted.set(this.todos.actFromClient(json(TodoAction.edit("a", "rye")), ANN, "op-1"));
			loaded.set(this.todos.loadJson(0));
		}, "reactor-http-nio-7");
		eventLoop.start();
		eventLoop.join(TIMEOUT.toMillis());
		assertThat(acted.get().block(TIMEOUT)).contains("\"text\":\"rye\"");
		assertThat(loaded.get().block(TIMEOUT)).contains("\"id\":\"a\"");
		assertThat(this.threads).hasSize(3)
			.contains("caller reactor-http-nio-7")
			.anySatisfy((thread) -> assertThat(thread).startsWith("handler boundedElastic-"))
			.anySatisfy((thread) -> assertThat(thread).startsWith("loader boundedElastic-"));
	}

	private EvRecordSetModel<Todo, TodoAction> model() {
		return EvRecordSetModel.of(Todo.class, TodoAction.class)
			.id(Todo::id)
			.version(Todo::version)
			.deleted(Todo::deleted)
			.loader((since) -> Flux.defer(() -> {
				this.threads.add("loader " + Thread.currentThread().getName());
				return Flux.fromIterable(this.table.since(since));
			}));
	}

	private long head() {
		return head("todos");
	}

	private long head(String channel) {
		return this.backend.channelHistory().head(channel).block(TIMEOUT);
	}

	private List<String> broadcastsAfter(long sequence) {
		return broadcastsAfter("todos", sequence);
	}

	private List<String> broadcastsAfter(String channel, long sequence) {
		return this.backend.channelHistory()
			.readAfter(channel, sequence)
			.block(TIMEOUT)
			.messages()
			.stream()
			.map(ChannelMessage::data)
			.toList();
	}

	private static JsonNode json(TodoAction action) {
		return JSON.valueToTree(action);
	}

	private static void await(CountDownLatch latch) {
		try {
			if (!latch.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The test never let the handler commit");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
