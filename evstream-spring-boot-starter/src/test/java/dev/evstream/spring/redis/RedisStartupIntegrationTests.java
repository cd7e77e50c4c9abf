package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.UUID;

import dev.evstream.core.EvState;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance started while Redis is down: it starts, says it is down and not ready,
 * serves what it has, refuses writes, and converges once Redis is up, without a restart.
 */
class RedisStartupIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/**
	 * A correctness bound: a start-up that waited for a frozen Redis would take the Redis
	 * client's command timeout, a minute, for each call it made.
	 */
	private static final Duration START_BOUND = Duration.ofSeconds(30);

	private RedisServer server;

	private String prefix;

	private Replica replica;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		this.prefix = "s" + UUID.randomUUID().toString().substring(0, 8);
	}

	@AfterEach
	void stop() {
		if (this.replica != null) {
			this.replica.close();
		}
		this.server.close();
	}

	@Test
	void startWithRedisDownShouldServeReadsRefuseWritesAndConvergeOnceRedisIsUp() {
		try (Replica earlier = Replica.start(this.server.url(), this.prefix)) {
			EvState<Integer> hits = earlier.counter("hits");
			hits.set(7).block(TIMEOUT);
		}
		this.server.stop();

		this.replica = Replica.startUnready(this.server.url(), this.prefix,
				"management.endpoint.health.show-details=always", "management.health.redis.enabled=true",
				"evstream.redis.timeout=1s");
		EvState<Integer> hits = this.replica.counter("hits");
		EvState<Integer> fresh = this.replica.states().createStateBlocking("fresh", Integer.class, 5);
		assertThat(hits.get()).isZero();
		assertThat(fresh.get()).isEqualTo(5);
		SseTestClient client = this.replica.listen("hits");
		assertThat(client.awaitEvent("hits", TIMEOUT).data()).isEqualTo("{\"value\":0,\"version\":1}");
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.replica.port())
			.responseTimeout(TIMEOUT)
			.build();
		http.get()
			.uri("/actuator/health/evstream")
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("DOWN");
		http.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
		StepVerifier.create(hits.set((n) -> n + 1)).expectError(EvUnavailableException.class).verify(TIMEOUT);
		assertThat(hits.get()).isZero();

		this.server.start();
		await().atMost(TIMEOUT)
			.until(() -> hits.get() == 7 && RedisReplicasIntegrationTests.lastCounter(client.events()) == 7);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
		http.get().uri("/actuator/health").exchange().expectStatus().isOk();
		assertThat(hits.set((n) -> n + 1).block(TIMEOUT)).isEqualTo(8);
		client.awaitEvents((events) -> RedisReplicasIntegrationTests.lastCounter(events) == 8, TIMEOUT);
		try (Replica later = Replica.start(this.server.url(), this.prefix)) {
			assertThat(later.counter("hits").get()).isEqualTo(8);
			assertThat(later.counter("fresh").get()).isEqualTo(5);
		}
	}

	@Test
	void startWithRedisFrozenShouldNotWaitForItAndConvergeOnceItAnswers() {
		this.server.pause();
		long started = System.nanoTime();
		this.replica = Replica.startUnready(this.server.url(), this.prefix, "evstream.redis.timeout=1s");
		EvState<Integer> hits = this.replica.counter("hits");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(START_BOUND);
		assertThat(hits.get()).isZero();
		StepVerifier.create(hits.set((n) -> n + 1)).expectError(EvUnavailableException.class).verify(TIMEOUT);
		WebTestClient http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.replica.port())
			.responseTimeout(TIMEOUT)
			.build();
		http.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);

		this.server.resume();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(hits.set((n) -> n + 1).block(TIMEOUT)).isEqualTo(1));
	}

}
