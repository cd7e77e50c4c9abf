package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvState;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Replicas while their Redis goes away, comes back, or comes back empty.
 */
class RedisOutageIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final Duration CONVERGENCE = Duration.ofSeconds(10);

	private RedisServer server;

	private Replica a;

	private Replica b;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		String prefix = "o" + UUID.randomUUID().toString().substring(0, 8);
		this.a = Replica.start(this.server.url(), prefix).awaitBusConnected(TIMEOUT);
		this.b = Replica.start(this.server.url(), prefix).awaitBusConnected(TIMEOUT);
	}

	@AfterEach
	void stop() {
		this.a.close();
		this.b.close();
		this.server.close();
	}

	@Test
	void stoppedRedisShouldFailWritesFastKeepReadsAndStreamsThenConverge() {
		EvState<Integer> onA = this.a.counter("hits");
		EvState<Integer> onB = this.b.counter("hits");
		SseTestClient clientA = this.a.listen("hits");
		SseTestClient clientB = this.b.listen("hits");
		clientA.awaitEvent("hits", TIMEOUT);
		clientB.awaitEvent("hits", TIMEOUT);
		AtomicInteger acknowledged = new AtomicInteger();
		for (int i = 0; i < 20; i++) {
			(((i % 2) == 0) ? onA : onB).set((n) -> n + 1).block(TIMEOUT);
			acknowledged.incrementAndGet();
		}
		await().atMost(TIMEOUT).until(() -> onA.get() == 20 && onB.get() == 20);

		this.server.stop();
		long started = System.nanoTime();
		StepVerifier.create(onA.set((n) -> n + 1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessageContaining("Could not update state 'hits'"))
			.verify(TIMEOUT);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
		int failed = 1;
		assertThat(onA.get()).isEqualTo(20);
		assertThat(onB.get()).isEqualTo(20);
		int heartbeats = clientB.events("heartbeat").size();
		clientB.awaitCount("heartbeat", heartbeats + 2, TIMEOUT);
		assertThat(clientA.isEnded()).isFalse();
		assertThat(clientB.isEnded()).isFalse();

		this.server.start();
		long restarted = System.nanoTime();
		await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				onB.set((n) -> n + 1).block(Duration.ofSeconds(3));
				acknowledged.incrementAndGet();
				return true;
			}
			catch (EvUnavailableException ex) {
				return false;
			}
		});
		await().atMost(CONVERGENCE)
			.until(() -> onA.get().equals(onB.get()) && lastValue(clientA) == onA.get()
					&& lastValue(clientB) == onA.get());
		assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(CONVERGENCE);
		assertThat(onA.get()).isBetween(acknowledged.get(), acknowledged.get() + failed);
	}

	@Test
	void redisRestartedEmptyShouldBeReseededWithoutLosingAcknowledgedUpdates() {
		EvState<Integer> onA = this.a.counter("total");
		EvState<Integer> onB = this.b.counter("total");
		SseTestClient client = this.b.listen("total");
		client.awaitEvent("total", TIMEOUT);
		for (int i = 0; i < 30; i++) {
			(((i % 3) == 0) ? onB : onA).set((n) -> n + 1).block(TIMEOUT);
		}
		await().atMost(TIMEOUT).until(() -> onA.get() == 30 && onB.get() == 30);

		this.server.restartEmpty();
		await().atMost(CONVERGENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				return onA.set((n) -> n + 1).block(Duration.ofSeconds(3)) == 31;
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		await().atMost(CONVERGENCE).until(() -> onB.get() == 31 && lastValue(client) == 31);
		assertThat(onA.version()).isEqualTo(onB.version()).isGreaterThan(30);
		assertThat(this.a.states().stateKeys()).containsExactly("total");
		assertThat(this.b.states().stateKeys()).containsExactly("total");
	}

	private static int lastValue(SseTestClient client) {
		List<dev.evstream.test.SseEvent> events = client.events();
		return RedisReplicasIntegrationTests.lastCounter(events);
	}

}
