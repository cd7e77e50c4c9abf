package dev.evstream.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.EvUnavailableException;
import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.store.CompareAndSetResult;
import dev.evstream.core.store.PresenceMember;
import dev.evstream.core.store.StoredState;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the Redis backend does when Redis goes away, freezes, or comes back empty, on a
 * server of the test's own.
 */
class RedisFaultsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private RedisServer server;

	private LettuceConnectionFactory connections;

	private ReactiveStringRedisTemplate redis;

	private ReactiveRedisMessageListenerContainer container;

	private final RedisKeys keys = RedisConnections.isolatedKeys();

	private RedisStateStore store;

	private RedisChannelHistory history;

	private RedisEventBus bus;

	@BeforeEach
	void start() {
		this.server = RedisServer.startLocal();
		this.connections = RedisConnections.connect(this.server);
		this.redis = new ReactiveStringRedisTemplate(this.connections);
		this.container = new ReactiveRedisMessageListenerContainer(this.connections);
		this.store = new RedisStateStore(this.redis, this.keys, TIMEOUT);
		this.history = new RedisChannelHistory(this.redis, this.keys, 10, Duration.ofHours(1), TIMEOUT);
		this.bus = new RedisEventBus(() -> this.container, this.redis, this.keys, TIMEOUT, Duration.ofMillis(200));
		this.bus.start().block(Duration.ofSeconds(10));
	}

	@AfterEach
	void stop() {
		this.bus.close();
		this.container.destroy();
		this.connections.destroy();
		this.server.close();
	}

	@Test
	void writesToAFrozenRedisShouldFailFastAndNeverApplyLater() {
		this.store.create(state(1, "0")).block(Duration.ofSeconds(5));
		this.server.pause();
		long started = System.nanoTime();
		StepVerifier.create(this.store.compareAndSet("s", 1, "1", null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessageContaining("Could not update state 's'")
				.hasMessageContaining("did not answer within PT2S"))
			.verify(Duration.ofSeconds(5));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
		StepVerifier.create(this.history.append("c", null, "x"))
			.expectError(EvUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		this.server.resume();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.store.get("s").block(Duration.ofSeconds(5)).version()).isEqualTo(1));
		assertThat(this.history.readAfter("c", 0).block(Duration.ofSeconds(5)).messages()).isEmpty();
	}

	@Test
	void presenceCallsToAFrozenRedisShouldFailWithTheTimeout() {
		RedisPresenceStore presence = new RedisPresenceStore(this.redis, this.keys, TIMEOUT);
		presence.add(new PresenceMember("room", "c-1", "alice", 1000, "i"), Duration.ofMinutes(1))
			.block(Duration.ofSeconds(5));
		this.server.pause();
		StepVerifier.create(presence.add(new PresenceMember("room", "c-2", "bob", 1001, "i"), Duration.ofMinutes(1)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessageContaining("Could not add member 'c-2' to channel 'room'")
				.hasMessageContaining("did not answer within PT2S"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(presence.evictDead())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessageContaining("Could not evict the members of dead instances"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(presence.members("room"))
			.expectError(EvUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		this.server.resume();
		// the add that timed out was on the wire already, and a resumed Redis may run it
		// still, before anything sent on the shared connection since: whether it did or
		// not, removing its member leaves the first one only
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(presence.members("room").collectList().block(Duration.ofSeconds(5)))
				.extracting(PresenceMember::connectionId)
				.contains("c-1"));
		presence.remove("room", "c-2").block(Duration.ofSeconds(5));
		assertThat(presence.members("room").collectList().block(Duration.ofSeconds(5)))
			.extracting(PresenceMember::connectionId)
			.containsExactly("c-1");
		assertThat(presence.remove("room", "c-1").block(Duration.ofSeconds(5)).connectionId()).isEqualTo("c-1");
		assertThat(presence.evictDead().collectList().block(Duration.ofSeconds(5))).isEmpty();
	}

	@Test
	void ticketCallsToAFrozenRedisShouldFailWithTheTimeoutWithoutNamingTheTicket() {
		RedisTicketStore tickets = new RedisTicketStore(this.redis, this.keys, TIMEOUT);
		tickets.put("ticket-held", "alice", Duration.ofMinutes(1)).block(Duration.ofSeconds(5));
		this.server.pause();
		StepVerifier.create(tickets.put("ticket-new", "bob", Duration.ofMinutes(1)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessage("Could not keep a ticket: Redis did not answer within PT2S"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(tickets.take("ticket-held"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessage("Could not take a ticket: Redis did not answer within PT2S"))
			.verify(Duration.ofSeconds(5));
		this.server.resume();
		// the take that timed out was on the wire already, and a resumed Redis may run it
		// still: the ticket it asked for may be gone, others are kept and taken as before
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(
					tickets.put("ticket-after", "carol", Duration.ofMinutes(1)).block(Duration.ofSeconds(5)))
				.isTrue());
		assertThat(tickets.take("ticket-after").block(Duration.ofSeconds(5))).isEqualTo("carol");
	}

	@Test
	void writesToAStoppedRedisShouldFailAndSucceedOnceItIsBack() {
		this.store.create(state(1, "0")).block(Duration.ofSeconds(5));
		this.server.stop();
		StepVerifier.create(this.store.compareAndSet("s", 1, "1", null))
			.expectError(EvUnavailableException.class)
			.verify(Duration.ofSeconds(5));
		this.server.start();
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			CompareAndSetResult result = this.store.compareAndSet("s", 1, "1", null).block(Duration.ofSeconds(5));
			assertThat(result.updated()).isTrue();
		});
		assertThat(this.store.get("s").block(Duration.ofSeconds(5)).json()).isEqualTo("1");
	}

	@Test
	void busShouldSayWhenItIsDisconnectedAndResyncWhenItIsBack() {
		BusSignals signals = new BusSignals();
		AtomicInteger resyncs = signals.resyncs;
		this.bus.subscribe(signals);
		await().atMost(Duration.ofSeconds(5)).until(this.bus::isConnected);
		this.server.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.bus.isConnected());
		this.server.start();
		await().atMost(Duration.ofSeconds(20)).until(this.bus::isConnected);
		await().atMost(Duration.ofSeconds(5)).until(() -> resyncs.get() > 0);
	}

	@Test
	void busShouldSayWhenRedisLostItsDataAndOnlyThen() {
		BusSignals signals = new BusSignals();
		AtomicInteger resyncs = signals.resyncs;
		AtomicInteger losses = signals.losses;
		this.bus.subscribe(signals);
		await().atMost(Duration.ofSeconds(5)).until(this.bus::isConnected);
		int before = resyncs.get();
		this.server.stop();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.bus.isConnected());
		this.server.start();
		// a resync reads the epoch before it tells the listeners
		await().atMost(Duration.ofSeconds(20)).until(() -> this.bus.isConnected() && resyncs.get() > before);
		assertThat(losses).as("after a restart that kept the data").hasValue(0);
		int kept = resyncs.get();
		// too quick for the bus to see a disconnection: its probes read the epoch too
		this.server.restartEmpty();
		await().atMost(Duration.ofSeconds(20)).until(() -> losses.get() > 0 && resyncs.get() > kept);
		assertThat(losses).hasValue(1);
	}

	@Test
	void restoreAfterRedisLostItsDataShouldPutTheHighestVersionBack() {
		StoredState created = this.store.create(state(1, "0")).block(Duration.ofSeconds(5));
		this.store.compareAndSet("s", 1, "1", null).block(Duration.ofSeconds(5));
		this.store.compareAndSet("s", 2, "2", null).block(Duration.ofSeconds(5));
		this.server.restartEmpty();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.store.get("s").hasElement().block(Duration.ofSeconds(5))).isFalse());
		StoredState lower = new StoredState("s", 2, "1", "value", created.incarnation());
		StoredState higher = new StoredState("s", 3, "2", "value", created.incarnation());
		assertThat(this.store.restore(lower).block(Duration.ofSeconds(5))).isEqualTo(lower);
		assertThat(this.store.restore(higher).block(Duration.ofSeconds(5))).isEqualTo(higher);
		assertThat(this.store.restore(lower).block(Duration.ofSeconds(5))).isEqualTo(higher);
		assertThat(this.store.getAll().collectList().block(Duration.ofSeconds(5))).containsExactly(higher);
	}

	@Test
	void writeOnAStatePutBackFromAnInstanceThatWasBehindShouldWaitForTheNewestVersion() {
		StoredState created = this.store.create(state(1, "0")).block(Duration.ofSeconds(5));
		this.store.compareAndSet("s", 1, "1", null).block(Duration.ofSeconds(5));
		// acknowledged to one instance; another one never heard of it before Redis died
		this.store.compareAndSet("s", 2, "2", null).block(Duration.ofSeconds(5));
		this.server.kill();
		this.server.restartEmpty();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.store.get("s").hasElement().block(Duration.ofSeconds(5))).isFalse());
		StoredState behind = new StoredState("s", 2, "1", "value", created.incarnation());
		StoredState newest = new StoredState("s", 3, "2", "value", created.incarnation());

		// the instance that was behind reconnects first, puts back what it holds, and
		// writes
		assertThat(this.store.restore(behind).block(Duration.ofSeconds(5))).isEqualTo(behind);
		StepVerifier.create(this.store.compareAndSet("s", 2, "2", null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(EvUnavailableException.class)
				.hasMessageContaining("Could not update state 's'")
				.hasMessageContaining("being put back"))
			.verify(Duration.ofSeconds(5));
		// the instance that holds the newest version reconnects a moment later
		assertThat(this.store.restore(newest).block(Duration.ofSeconds(5))).isEqualTo(newest);

		await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				return this.store.compareAndSet("s", 3, "3", null).block(Duration.ofSeconds(5)).updated();
			}
			catch (EvUnavailableException ex) {
				return false;
			}
		});
		StoredState stored = this.store.get("s").block(Duration.ofSeconds(5));
		assertThat(stored.version()).isEqualTo(4);
		assertThat(stored.json()).isEqualTo("3");
	}

	@Test
	void compareAndSetSentTwiceShouldApplyOnce() {
		this.store.create(state(1, "0")).block(Duration.ofSeconds(5));
		List<String> keys = List.of(this.keys.state("s"), this.keys.restoring("s"), this.keys.operation("s", ""));
		List<String> args = List.of("s", "1", "1", "same-update", this.keys.bus(), "", "600");
		List<Object> first = this.redis.execute(RedisScripts.STATE_COMPARE_AND_SET, keys, args)
			.next()
			.block(Duration.ofSeconds(5));
		List<Object> resent = this.redis.execute(RedisScripts.STATE_COMPARE_AND_SET, keys, args)
			.next()
			.block(Duration.ofSeconds(5));
		assertThat(first).startsWith("updated", "2");
		assertThat(resent).startsWith("updated", "2");
		assertThat(this.store.get("s").block(Duration.ofSeconds(5)).version()).isEqualTo(2);
	}

	@Test
	void appendSentTwiceShouldAddOnce() {
		List<String> keys = List.of(this.keys.sequence("c"), this.keys.history("c"));
		List<String> args = List.of("c", "", "data", "same-message", "1000", "10", this.keys.bus(), "3600");
		String first = this.redis.execute(RedisScripts.CHANNEL_APPEND, keys, args).next().block(Duration.ofSeconds(5));
		String resent = this.redis.execute(RedisScripts.CHANNEL_APPEND, keys, args).next().block(Duration.ofSeconds(5));
		assertThat(resent).isEqualTo(first).isEqualTo("1001");
		assertThat(this.history.readAfter("c", 1000).block(Duration.ofSeconds(5)).messages()).hasSize(1);
	}

	private static StoredState state(long version, String json) {
		return new StoredState("s", version, json, "value", "life-1");
	}

	/**
	 * Counts what the bus tells its listeners besides events.
	 */
	private static final class BusSignals implements BusListener {

		final AtomicInteger resyncs = new AtomicInteger();

		final AtomicInteger losses = new AtomicInteger();

		@Override
		public void onEvent(BusEvent event) {
		}

		@Override
		public void onResync() {
			this.resyncs.incrementAndGet();
		}

		@Override
		public void onDataLost() {
			this.losses.incrementAndGet();
		}

	}

}
