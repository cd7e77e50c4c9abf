package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateOptions;
import dev.evstream.core.EvStateRemovedException;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several replicas against one real Redis: states, messages and lifecycle stay
 * consistent, and no update is lost.
 */
class RedisReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final String prefix = "r" + UUID.randomUUID().toString().substring(0, 8);

	private final List<Replica> replicas = new ArrayList<>();

	private String url;

	@BeforeEach
	void redis() {
		this.url = RedisServer.shared().url();
	}

	@AfterEach
	void stop() {
		this.replicas.forEach(Replica::close);
	}

	private Replica replica() {
		Replica replica = Replica.start(this.url, this.prefix);
		this.replicas.add(replica);
		return replica;
	}

	@Test
	void concurrentIncrementsOnThreeReplicasShouldAllApplyOnce() throws Exception {
		List<Replica> three = List.of(replica(), replica(), replica());
		List<EvState<Integer>> counters = three.stream().map((replica) -> replica.counter("counter")).toList();
		List<SseTestClient> clients = three.stream().map((replica) -> replica.listen("counter")).toList();
		for (SseTestClient client : clients) {
			client.awaitEvent("counter", TIMEOUT);
		}
		int writersPerReplica = 8;
		int increments = 500;
		ExecutorService pool = Executors.newFixedThreadPool(three.size() * writersPerReplica);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<Mono<Integer>>>> writers = new ArrayList<>();
		for (EvState<Integer> counter : counters) {
			for (int w = 0; w < writersPerReplica; w++) {
				writers.add(pool.submit(() -> {
					start.await();
					List<Mono<Integer>> results = new ArrayList<>();
					for (int i = 0; i < increments; i++) {
						results.add(counter.set((n) -> n + 1));
					}
					return results;
				}));
			}
		}
		start.countDown();
		List<Mono<Integer>> all = new ArrayList<>();
		for (Future<List<Mono<Integer>>> writer : writers) {
			all.addAll(writer.get(60, TimeUnit.SECONDS));
		}
		pool.shutdown();
		Mono.when(all).block(Duration.ofSeconds(60));
		int expected = three.size() * writersPerReplica * increments;
		for (EvState<Integer> counter : counters) {
			await().atMost(TIMEOUT).until(() -> counter.get() == expected);
		}
		for (SseTestClient client : clients) {
			client.awaitEvents((events) -> lastCounter(events) == expected, TIMEOUT);
			List<Integer> seen = client.events("counter").stream().map((event) -> value(event.data())).toList();
			assertThat(seen).isSorted().doesNotHaveDuplicates();
		}
	}

	@Test
	void concurrentSetsOnTwoReplicasShouldAgreeOnOneValue() throws Exception {
		Replica a = replica();
		Replica b = replica();
		EvState<Integer> onA = a.counter("race");
		EvState<Integer> onB = b.counter("race");
		SseTestClient clientA = a.listen("race");
		SseTestClient clientB = b.listen("race");
		clientA.awaitEvent("race", TIMEOUT);
		clientB.awaitEvent("race", TIMEOUT);
		Mono.when(onA.set(10), onB.set(20)).block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> onA.get().equals(onB.get()) && onA.version() == 3 && onB.version() == 3);
		int agreed = onA.get();
		assertThat(agreed).isIn(10, 20);
		clientA.awaitEvents((events) -> lastCounter(events) == agreed, TIMEOUT);
		clientB.awaitEvents((events) -> lastCounter(events) == agreed, TIMEOUT);
	}

	@Test
	void clientPatchesOfDifferentPropertiesOnTwoReplicasShouldAllApplyOnce() {
		List<Replica> two = List.of(replica(), replica());
		List<EvState<Map<String, Object>>> forms = two.stream()
			.map((replica) -> replica.states().createStateBlocking("form", new TypeReference<Map<String, Object>>() {
			}, Map.<String, Object>of(), EvStateOptions.defaults().withClientWrites()))
			.toList();
		int writers = 8;
		int patches = 25;
		List<Mono<Integer>> writes = new ArrayList<>();
		for (int r = 0; r < two.size(); r++) {
			WebTestClient http = WebTestClient.bindToServer()
				.baseUrl("http://127.0.0.1:" + two.get(r).port())
				.responseTimeout(TIMEOUT)
				.build();
			for (int w = 0; w < writers; w++) {
				for (int i = 0; i < patches; i++) {
					String property = "r" + r + "w" + w + "p" + i;
					writes.add(Mono.fromCallable(
							() -> patch(http, "{\"" + property + "\":" + property.length() + "}", "op-" + property)));
				}
			}
		}
		Flux.merge(Flux.fromIterable(writes).map((write) -> write.subscribeOn(Schedulers.boundedElastic())),
				writers * two.size())
			.collectList()
			.block(Duration.ofSeconds(120))
			.forEach((status) -> assertThat(status).isEqualTo(200));
		int expected = two.size() * writers * patches;
		for (EvState<Map<String, Object>> form : forms) {
			await().atMost(TIMEOUT).until(() -> form.get().size() == expected && form.version() == expected + 1);
		}
		// a retry, on the other replica, of a write already applied changes nothing
		WebTestClient other = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + two.get(1).port()).build();
		assertThat(patch(other, "{\"r0w0p0\":null}", "op-r0w0p0")).isEqualTo(200);
		assertThat(forms.get(0).version()).isEqualTo(expected + 1);
		assertThat(forms.get(1).get()).containsKey("r0w0p0");
	}

	private static int patch(WebTestClient http, String body, String operationId) {
		return http.post()
			.uri("/evstream/states/form")
			.contentType(MediaType.parseMediaType("application/merge-patch+json"))
			.header("Idempotency-Key", operationId)
			.bodyValue(body)
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value();
	}

	@Test
	void stateCreatedOnOneReplicaShouldBeServedByAnotherWithItsCurrentValue() {
		Replica a = replica();
		Replica b = replica();
		EvState<Integer> score = a.states().createStateBlocking("score", Integer.class, 5);
		score.set(7).block(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> b.states().hasState("score"));
		assertThat(b.states().getState("score", JsonNode.class).get().intValue()).isEqualTo(7);
		SseTestClient client = b.listen("score");
		assertThat(client.awaitEvent("score", TIMEOUT).data()).isEqualTo("{\"value\":7,\"version\":2}");
		assertThat(b.states().createStateBlocking("score", Integer.class, 0).get()).isEqualTo(7);
		Replica late = replica();
		assertThat(late.states().hasState("score")).isTrue();
		assertThat(late.counter("score").get()).isEqualTo(7);
	}

	@Test
	void removeOnOneReplicaShouldStopBroadcastsEverywhereAndRecreateShouldNotDouble() {
		Replica a = replica();
		Replica b = replica();
		EvState<Integer> onA = a.counter("temp");
		EvState<Integer> onB = b.counter("temp");
		SseTestClient client = b.listen("temp");
		client.awaitEvent("temp", TIMEOUT);
		StepVerifier.create(a.states().removeState("temp")).expectNext(true).expectComplete().verify(TIMEOUT);
		await().atMost(TIMEOUT).until(onB::isRemoved);
		StepVerifier.create(onB.set(3)).expectError(EvStateRemovedException.class).verify(TIMEOUT);
		assertThat(onA.isRemoved()).isTrue();
		EvState<Integer> again = a.states().createStateBlocking("temp", Integer.class, 100);
		again.set(101).block(TIMEOUT);
		List<SseEvent> events = client.awaitEvents((list) -> lastCounter(list) == 101, TIMEOUT);
		List<String> temp = events.stream().filter((e) -> e.event().equals("temp")).map(SseEvent::data).toList();
		List<Integer> values = temp.stream()
			.filter((data) -> data.startsWith("{\"value\":"))
			.map((data) -> value(data))
			.toList();
		// latest-value semantics: a client may skip 100, but never sees a value twice;
		// the removed life ends with its last event, once, before the new one
		assertThat(values).startsWith(0).endsWith(101).doesNotHaveDuplicates().isSubsetOf(0, 100, 101);
		assertThat(temp).containsOnlyOnce("{\"removed\":true}");
		int end = temp.indexOf("{\"removed\":true}");
		assertThat(temp.subList(0, end)).isNotEmpty().allSatisfy((data) -> assertThat(value(data)).isZero());
		assertThat(temp.subList(end + 1, temp.size())).allSatisfy((data) -> assertThat(value(data)).isIn(100, 101));
	}

	@Test
	void messageSentOnOneReplicaShouldReachClientsOfAnotherExactlyOnce() {
		Replica a = replica();
		Replica b = replica();
		SseTestClient onB = b.listen("news");
		SseTestClient onA = a.listen("news");
		onB.awaitEvent("connected", TIMEOUT);
		onA.awaitEvent("connected", TIMEOUT);
		for (int i = 0; i < 5; i++) {
			a.streams().send("news", EvMessage.of("news", "n" + i)).block(TIMEOUT);
		}
		for (SseTestClient client : List.of(onA, onB)) {
			List<SseEvent> news = client.awaitCount("news", 5, TIMEOUT);
			assertThat(news).extracting(SseEvent::data).containsExactly("n0", "n1", "n2", "n3", "n4");
		}
	}

	@Test
	void messageToAConnectionShouldReachItOnAnotherReplica() {
		Replica a = replica();
		Replica b = replica();
		SseTestClient client = b.listen("lobby");
		String connectionId = client.awaitEvent("connected", TIMEOUT)
			.data()
			.replaceAll(".*\"connectionId\":\"([^\"]+)\".*", "$1");
		a.streams().to(connectionId, EvMessage.of("private", "for you")).block(TIMEOUT);
		assertThat(client.awaitEvent("private", TIMEOUT).data()).isEqualTo("for you");
		client.awaitCount("heartbeat", 2, TIMEOUT);
		assertThat(client.events("private")).hasSize(1);
	}

	static int lastCounter(List<SseEvent> events) {
		for (int i = events.size() - 1; i >= 0; i--) {
			SseEvent event = events.get(i);
			if (!event.event().equals("connected") && !event.event().equals("heartbeat")
					&& event.data().startsWith("{\"value\":")) {
				return value(event.data());
			}
		}
		return Integer.MIN_VALUE;
	}

	static int value(String data) {
		return Integer.parseInt(data.replaceAll("^\\{\"value\":(-?\\d+),.*$", "$1"));
	}

}
