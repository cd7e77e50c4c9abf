package dev.evstream.sample.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import dev.evstream.sample.chaos.ChaosRun.Figures;
import dev.evstream.test.net.TcpProxy;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos with exact accounting: three replicas of the packaged sample app (separate JVMs,
 * each reaching Redis through a proxy of its own), clients on every replica that resume
 * with {@code Last-Event-ID} when their stream ends, and writers that increment the
 * counter and post numbered chat messages through every replica, while Redis is killed
 * and restarted empty, frozen beyond the timeout, one replica's link to Redis is cut or
 * stalled, or one replica is killed (and started again). Afterwards every acknowledged
 * increment is in the final value on every replica and client, and every acknowledged
 * message reached every client exactly once, unless that client was told to {@code reset}
 * the chat after the message was sent. A write that was not acknowledged may or may not
 * have applied, but never twice.
 * <p>
 * The figures of each run go to {@code target/chaos-figures.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final int CLIENTS_PER_REPLICA = 2;

	/**
	 * Acknowledged writes of each kind that make a phase: before a fault, and after
	 * recovery.
	 */
	private static final int PHASE = 40;

	private static RedisServer redis;

	private static final List<ReplicaProcess> replicas = new ArrayList<>();

	@BeforeAll
	static void startCluster() {
		redis = RedisServer.startLocal();
		Map<String, String> environment = Map.of("EVSTREAM_REDIS_KEY_PREFIX",
				"chaos" + UUID.randomUUID().toString().substring(0, 8), "EVSTREAM_REDIS_TIMEOUT",
				TIMEOUT.toMillis() + "ms", "EVSTREAM_REDIS_PROBE_INTERVAL", "200ms",
				"EVSTREAM_REDIS_MAX_RECONNECT_DELAY", "500ms", "EVSTREAM_HEARTBEAT", "1s", "SPRING_MAIN_BANNER_MODE",
				"off");
		for (String name : List.of("r1", "r2", "r3")) {
			replicas.add(ReplicaProcess.launch(name, redis.host(), redis.port(), environment));
		}
		replicas.forEach(ReplicaProcess::awaitStarted);
	}

	@AfterAll
	static void stopCluster() {
		replicas.forEach(ReplicaProcess::close);
		replicas.clear();
		if (redis != null) {
			redis.close();
		}
	}

	@BeforeEach
	void redisAndEveryReplicaRunning() {
		// after a scenario that failed half-way
		redis.start();
		for (ReplicaProcess replica : replicas) {
			replica.proxy().restore();
			if (!replica.isLive()) {
				replica.relaunch();
			}
		}
	}

	private static List<ReplicaProcess> replicas() {
		return List.copyOf(replicas);
	}

	@Test
	@Order(1)
	void redisKilledAndRestartedEmptyShouldLoseNoAcknowledgedWrite() {
		try (ChaosRun run = ChaosRun.start("redis-sigkill-restart-empty", ChaosIntegrationTests::replicas,
				CLIENTS_PER_REPLICA)) {
			run.awaitAcknowledged("before the kill", 0, PHASE);
			long killed = System.nanoTime();
			redis.kill();
			run.awaitFailuresOnEveryReplica("Redis dead", killed, 2);
			long restarted = System.nanoTime();
			redis.restartEmpty();
			run.awaitAcknowledged("after the empty restart", restarted, PHASE);
			Figures figures = run.finish();
			assertThat(figures.unacknowledgedIncrements() + figures.unacknowledgedMessages()).isPositive();
		}
	}

	@Test
	@Order(2)
	void redisFrozenBeyondTheTimeoutShouldLoseNoAcknowledgedWrite() {
		try (ChaosRun run = ChaosRun.start("redis-sigstop", ChaosIntegrationTests::replicas, CLIENTS_PER_REPLICA)) {
			run.awaitAcknowledged("before the freeze", 0, PHASE);
			long frozen = System.nanoTime();
			redis.pause();
			try {
				run.awaitFailuresOnEveryReplica("Redis frozen", frozen, 2);
				// failures that took the timeout to come: the freeze lasted beyond it
				run.awaitFailures("Redis frozen", frozen,
						(write) -> write.answered() - write.sent() >= TIMEOUT.toNanos(), 6);
			}
			finally {
				redis.resume();
			}
			long resumed = System.nanoTime();
			run.awaitAcknowledged("after SIGCONT", resumed, PHASE);
			run.finish();
		}
	}

	@Test
	@Order(3)
	void replicaLinkCutShouldLoseNoAcknowledgedWrite() {
		linkFault("replica-link-cut", TcpProxy::cut);
	}

	@Test
	@Order(4)
	void replicaLinkStalledShouldLoseNoAcknowledgedWrite() {
		linkFault("replica-link-stall", TcpProxy::stall);
	}

	private void linkFault(String scenario, Consumer<TcpProxy> fault) {
		ReplicaProcess broken = replicas.get(0);
		try (ChaosRun run = ChaosRun.start(scenario, ChaosIntegrationTests::replicas, CLIENTS_PER_REPLICA)) {
			run.awaitAcknowledged("before the fault", 0, PHASE);
			long faulted = System.nanoTime();
			fault.accept(broken.proxy());
			try {
				run.awaitFailures("writes through " + broken.name(), faulted,
						(write) -> write.replica().equals(broken.name()), 6);
				run.awaitWrites("writes through the other replicas", faulted,
						(write) -> write.acknowledged() && !write.replica().equals(broken.name()), PHASE);
			}
			finally {
				broken.proxy().restore();
			}
			long restored = System.nanoTime();
			run.awaitWrites("acknowledged writes through " + broken.name() + " after the restore", restored,
					(write) -> write.acknowledged() && write.replica().equals(broken.name()), PHASE / 2);
			run.awaitAcknowledged("after the restore", restored, PHASE);
			run.finish();
		}
	}

	@Test
	@Order(5)
	void replicaKilledShouldLetItsClientsResumeElsewhereAndRejoinLosingNothing() {
		ReplicaProcess victim = replicas.get(2);
		try (ChaosRun run = ChaosRun.start("replica-sigkill", ChaosIntegrationTests::replicas, CLIENTS_PER_REPLICA)) {
			run.awaitAcknowledged("before the kill", 0, PHASE);
			long killed = System.nanoTime();
			victim.kill();
			run.awaitAcknowledged("after the kill", killed, PHASE * 2);
			// back under load: it adopts the current value and serves writes and resumes
			victim.relaunch();
			long rejoined = System.nanoTime();
			run.awaitWrites("acknowledged writes through " + victim.name() + " after its restart", rejoined,
					(write) -> write.acknowledged() && write.replica().equals(victim.name()), PHASE / 2);
			run.awaitAcknowledged("after the restart", rejoined, PHASE);
			Figures figures = run.finish();
			assertThat(figures.replicaValues()).containsKey(victim.name());
			assertThat(run.clientsMovedFrom(victim.name())).as("clients of the killed replica that resumed elsewhere")
				.isEqualTo(CLIENTS_PER_REPLICA);
		}
	}

}
