package dev.evstream.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.presence.EvMember;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence on three replicas that share one Redis: every replica sees the same members
 * and counts as clients come and go on any of them, and the members of a replica that
 * stops marking itself alive leave once, their leave triggers run by one of the others.
 */
class PresenceReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration PROBE = Duration.ofMillis(500);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<Replica> replicas = new ArrayList<>();

	private final List<StreamListener> readers = new ArrayList<>();

	@BeforeEach
	void startReplicas() {
		String prefix = RedisConnections.isolatedKeys().prefix();
		for (int i = 0; i < 3; i++) {
			this.replicas.add(new Replica(RedisServer.shared(), prefix));
		}
	}

	@AfterEach
	void stopReplicas() {
		this.readers.forEach(StreamListener::dispose);
		this.replicas.forEach(Replica::close);
	}

	@Test
	void everyReplicaShouldSeeTheSameMembersAndCountsAsClientsComeAndGo() {
		EvStream ann = connect(0, "ann", "room");
		EvStream bob = connect(0, "bob", "room", "lobby");
		EvStream cid = connect(1, "cid", "room");
		connect(2, "dan", "room");
		awaitCountEverywhere("room", 4);
		List<EvMember> members = this.replicas.get(0).presence.members("room").block(TIMEOUT);
		assertThat(members).extracting(EvMember::principal).containsExactlyInAnyOrder("ann", "bob", "cid", "dan");
		assertThat(members).filteredOn((member) -> member.principal().equals("cid"))
			.extracting(EvMember::instance)
			.containsExactly(this.replicas.get(1).presence.instance());
		for (Replica replica : this.replicas) {
			assertThat(replica.presence.members("room").block(TIMEOUT)).isEqualTo(members);
			assertThat(replica.presence.count("lobby").block(TIMEOUT)).isEqualTo(1);
		}
		ann.close();
		cid.unlisten("room");
		bob.unlisten("lobby");
		awaitCountEverywhere("room", 2);
		awaitCountEverywhere("lobby", 0);
		assertThat(this.replicas.get(2).presence.members("room").block(TIMEOUT)).extracting(EvMember::principal)
			.containsExactlyInAnyOrder("bob", "dan");
	}

	@Test
	void membersOfAReplicaThatStopsShouldLeaveOnceWithTheirTriggersRunByOneOfTheOthers() {
		List<String> leaves = new CopyOnWriteArrayList<>();
		List<String> leavesOnTheStoppedOne = new CopyOnWriteArrayList<>();
		this.replicas.get(0).presence.onLeave("*", (event) -> leaves.add(event.member().principal()));
		this.replicas.get(1).presence.onLeave("*", (event) -> leaves.add(event.member().principal()));
		this.replicas.get(2).presence.onLeave("*", (event) -> leavesOnTheStoppedOne.add(event.member().principal()));
		connect(2, "ann", "room");
		connect(2, "bob", "room");
		connect(2, "cid", "room", "lobby");
		connect(0, "dan", "room");
		awaitCountEverywhere("room", 4);
		// stops marking itself alive, as a killed replica does; its clients stay
		// connected, so only an eviction by the others removes them
		this.replicas.get(2).presence.close();
		await().atMost(TIMEOUT).until(() -> this.replicas.get(0).presence.count("room").block(TIMEOUT) == 1);
		// for a few more probes of both survivors, nothing is told twice
		await().atMost(TIMEOUT)
			.during(PROBE.multipliedBy(4))
			.until(() -> leaves.size() == 4 && this.replicas.get(1).presence.count("lobby").block(TIMEOUT) == 0);
		assertThat(leaves).containsExactlyInAnyOrder("ann", "bob", "cid", "cid");
		assertThat(leavesOnTheStoppedOne).isEmpty();
		assertThat(this.replicas.get(1).presence.members("room").block(TIMEOUT)).extracting(EvMember::principal)
			.containsExactly("dan");
	}

	private EvStream connect(int replica, String principal, String... channels) {
		EvConnectRequest request = EvConnectRequest.of(channels);
		EvStream stream = this.replicas.get(replica).streams
			.connect(new EvConnectRequest(request.channels(), null, EvPrincipal.of(principal)))
			.block(TIMEOUT);
		// read, as the endpoint does: a stream nobody reads is closed after the claim
		// timeout, and its member would leave
		this.readers.add(StreamListener.of(stream));
		return stream;
	}

	private void awaitCountEverywhere(String channel, long count) {
		for (Replica replica : this.replicas) {
			await().atMost(TIMEOUT).until(() -> replica.presence.count(channel).block(TIMEOUT) == count);
		}
	}

	/**
	 * One instance: its own Redis connections, backend, engine and presence.
	 */
	private static final class Replica implements AutoCloseable {

		private final RedisReplica engine;

		private final RedisBackend backend;

		private final EvStreamManager streams;

		private final EvPresence presence;

		private Replica(RedisServer server, String prefix) {
			this.engine = RedisReplica.start(server, prefix, ChannelHistory.DEFAULT_SIZE);
			this.backend = this.engine.backend();
			this.streams = this.engine.streams();
			this.presence = new EvPresence(this.streams, PROBE);
		}

		@Override
		public void close() {
			this.presence.close();
			this.engine.close();
		}

	}

}
