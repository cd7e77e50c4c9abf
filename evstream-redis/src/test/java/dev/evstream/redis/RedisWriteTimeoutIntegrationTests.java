package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.EvUnavailableException;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every write fails within the Redis timeout, also when many are in flight at once: the
 * timeout is one deadline per write, not one per command of a queue of writes.
 * <p>
 * The bound asserted is the timeout plus a generous margin: a correctness bound (a write
 * queued behind another would take twice the timeout), not a speed measurement.
 */
class RedisWriteTimeoutIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration BOUND = TIMEOUT.plusMillis(1500);

	private static final int WRITERS = 50;

	private RedisServer server;

	private LettuceConnectionFactory connections;

	private ReactiveRedisMessageListenerContainer container;

	private RedisBackend backend;

	private EvStreamManager streams;

	private EvStateManager states;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		this.connections = RedisConnections.connect(this.server);
		this.container = new ReactiveRedisMessageListenerContainer(this.connections);
		this.backend = RedisBackend.builder(new ReactiveStringRedisTemplate(this.connections), () -> this.container)
			.keyPrefix(RedisConnections.isolatedKeys().prefix())
			.timeout(TIMEOUT)
			.probeInterval(Duration.ofMillis(200))
			.historySize(10)
			.build();
		this.backend.start().block(Duration.ofSeconds(10));
		JsonMapper json = JsonMapper.builder().build();
		this.streams = EvStreamManager.builder().jsonMapper(json).backend(this.backend).build();
		this.states = new EvStateManager(this.streams, json);
	}

	@AfterEach
	void stop() {
		this.states.close();
		this.streams.close();
		this.backend.close();
		this.server.close();
		this.container.destroy();
		this.connections.destroy();
	}

	@Test
	void concurrentStateWritesToAFrozenRedisShouldEachFailWithinTheTimeout() throws InterruptedException {
		EvState<Integer> counter = this.states.createStateBlocking("counter", Integer.class, 0);
		counter.set((n) -> n + 1).block(Duration.ofSeconds(5));
		this.server.pause();
		List<Outcome> outcomes = writeConcurrently(() -> counter.set((n) -> n + 1));
		assertEveryWriteFailedInTime(outcomes);
		this.server.resume();
	}

	@Test
	void concurrentStateWritesToAStoppedRedisShouldEachFailWithinTheTimeout() throws InterruptedException {
		EvState<Integer> counter = this.states.createStateBlocking("counter", Integer.class, 0);
		counter.set((n) -> n + 1).block(Duration.ofSeconds(5));
		this.server.stop();
		List<Outcome> outcomes = writeConcurrently(() -> counter.set((n) -> n + 1));
		assertEveryWriteFailedInTime(outcomes);
	}

	@Test
	void concurrentSendsToAFrozenRedisShouldEachFailWithinTheTimeout() throws InterruptedException {
		this.streams.send("chat", EvMessage.of("before")).block(Duration.ofSeconds(5));
		this.server.pause();
		List<Outcome> outcomes = writeConcurrently(() -> this.streams.send("chat", EvMessage.of("during")));
		assertEveryWriteFailedInTime(outcomes);
		this.server.resume();
	}

	@Test
	void concurrentDirectMessagesToAFrozenRedisShouldEachFailWithinTheTimeout() throws InterruptedException {
		this.server.pause();
		List<Outcome> outcomes = writeConcurrently(
				() -> this.streams.to("a-connection-elsewhere", EvMessage.of("during")));
		assertEveryWriteFailedInTime(outcomes);
		this.server.resume();
	}

	/**
	 * Starts every write at once (each acts when called), then waits for all outcomes.
	 */
	private static List<Outcome> writeConcurrently(Supplier<Mono<?>> write) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(WRITERS);
		ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
		List<Mono<?>> writes = new ArrayList<>();
		List<Long> starts = new ArrayList<>();
		for (int i = 0; i < WRITERS; i++) {
			starts.add(System.nanoTime());
			writes.add(write.get());
		}
		for (int i = 0; i < WRITERS; i++) {
			long started = starts.get(i);
			writes.get(i).subscribe(null, (ex) -> {
				outcomes.add(new Outcome(ex, Duration.ofNanos(System.nanoTime() - started)));
				done.countDown();
			}, () -> {
				outcomes.add(new Outcome(null, Duration.ofNanos(System.nanoTime() - started)));
				done.countDown();
			});
		}
		assertThat(done.await(30, TimeUnit.SECONDS)).as("every write has an outcome").isTrue();
		return new ArrayList<>(outcomes);
	}

	private static void assertEveryWriteFailedInTime(List<Outcome> outcomes) {
		assertThat(outcomes).hasSize(WRITERS);
		assertThat(outcomes).allSatisfy((outcome) -> {
			assertThat(outcome.error()).isInstanceOf(EvUnavailableException.class);
			assertThat(outcome.elapsed()).isLessThan(BOUND);
		});
	}

	private record Outcome(Throwable error, Duration elapsed) {
	}

}
