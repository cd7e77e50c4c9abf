package dev.evstream.core.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.evstream.core.EvConnectRequest;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.memory.InMemoryBackend;
import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.test.SseRecording;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Presence on one backend: members and counts that follow connections, triggers that run
 * once per join and leave, presence channels, and the eviction of a dead instance's
 * members by the instances that remain.
 */
class EvPresenceTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration PROBE = Duration.ofMillis(500);

	private final InMemoryBackend backend = new InMemoryBackend();

	private final AtomicInteger failedTriggers = new AtomicInteger();

	private final List<AutoCloseable> closing = new ArrayList<>();

	private final Map<EvStream, Listener> readers = new ConcurrentHashMap<>();

	private final EvStreamManager manager = manager();

	private final EvPresence presence = presence(this.manager);

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closing) {
			closeable.close();
		}
	}

	@Test
	void membersAndCountShouldFollowTheConnectionsOfTheChannel() {
		EvStream ann = connect(this.manager, "ann", "room");
		EvStream bob = connect(this.manager, "bob", "room", "lobby");
		awaitCount("room", 2);
		List<EvMember> members = this.presence.members("room").block(TIMEOUT);
		assertThat(members).extracting(EvMember::connectionId).containsExactly(ann.id(), bob.id());
		assertThat(members).extracting(EvMember::principal).containsExactly("ann", "bob");
		assertThat(members).extracting(EvMember::instance).containsOnly(this.presence.instance());
		assertThat(members.get(0).joinedAt()).isBeforeOrEqualTo(members.get(1).joinedAt());
		assertThat(this.presence.count("lobby").block(TIMEOUT)).isEqualTo(1);
		bob.unlisten("room");
		awaitCount("room", 1);
		assertThat(this.presence.count("lobby").block(TIMEOUT)).isEqualTo(1);
		ann.close();
		bob.close();
		awaitCount("room", 0);
		awaitCount("lobby", 0);
		assertThat(this.presence.members("room").block(TIMEOUT)).isEmpty();
	}

	@Test
	void triggersShouldRunOncePerJoinAndLeaveInOrderOffTheEventLoops() {
		List<String> seen = new CopyOnWriteArrayList<>();
		List<String> threads = new CopyOnWriteArrayList<>();
		this.presence.onJoin("room:*", (event) -> {
			seen.add("join " + event.channel() + " " + event.member().principal());
			threads.add(Thread.currentThread().getName());
		});
		this.presence.onLeave("room:*", (event) -> {
			seen.add("leave " + event.channel() + " " + event.member().principal());
			threads.add(Thread.currentThread().getName());
		});
		EvStream ann = connect(this.manager, "ann", "room:1", "lobby");
		EvStream bob = connect(this.manager, "bob", "room:2");
		ann.unlisten("room:1");
		ann.unlisten("room:1");
		bob.close();
		ann.close();
		awaitSize(seen, 4);
		awaitCount("lobby", 0);
		assertThat(seen).containsExactly("join room:1 ann", "join room:2 bob", "leave room:1 ann", "leave room:2 bob");
		assertThat(threads).allSatisfy((thread) -> assertThat(thread).startsWith("boundedElastic-"));
	}

	@Test
	void failingTriggerShouldBeCountedAndChangeNothing() {
		this.presence.onJoin("*", (event) -> {
			throw new IllegalStateException("a defect");
		});
		List<String> seen = new CopyOnWriteArrayList<>();
		this.presence.onJoin("*", (event) -> seen.add(event.member().principal()));
		connect(this.manager, "ann", "room");
		awaitSize(seen, 1);
		assertThat(this.failedTriggers).hasValue(1);
		assertThat(this.presence.count("room").block(TIMEOUT)).isEqualTo(1);
	}

	@Test
	void presenceChannelShouldStartFromTheMembersThenTellJoinsAndLeaves() {
		this.presence.broadcast("room");
		EvStream ann = connect(this.manager, "ann", "room");
		awaitCount("room", 1);
		Listener watcher = listen(connect(this.manager, "watcher", "presence/room"));
		String annId = PresenceEvents.memberId(ann.id());
		long annJoined = this.presence.members("room").block(TIMEOUT).get(0).joinedAt().toEpochMilli();
		assertThat(watcher.await("presence/room", 1)).containsExactly("{\"op\":\"snapshot\",\"members\":[{\"id\":\""
				+ annId + "\",\"principal\":\"ann\",\"joinedAt\":" + annJoined + "}]}");
		EvStream bob = connect(this.manager, "b\"o\nb", "room");
		bob.close();
		List<String> data = watcher.await("presence/room", 3);
		String bobId = PresenceEvents.memberId(bob.id());
		assertThat(data.get(1)).startsWith(
				"{\"op\":\"join\",\"member\":{\"id\":\"" + bobId + "\",\"principal\":\"b\\\"o\\nb\",\"joinedAt\":");
		assertThat(data.get(2)).startsWith("{\"op\":\"leave\",\"member\":{\"id\":\"" + bobId + "\"");
		// who watches a presence channel is a member of nothing
		assertThat(this.presence.count("presence/room").block(TIMEOUT)).isZero();
		assertThat(this.presence.count("room").block(TIMEOUT)).isEqualTo(1);
	}

	@Test
	void membersOfAnInstanceThatStoppedShouldBeEvictedOnceByOneOfTheOthers() {
		EvStreamManager dyingManager = manager();
		EvPresence dying = presence(dyingManager);
		EvPresence third = presence(manager());
		List<String> left = new CopyOnWriteArrayList<>();
		List<String> leftOnTheDyingOne = new CopyOnWriteArrayList<>();
		this.presence.onLeave("*", (event) -> left.add(event.member().principal() + "@" + event.channel()));
		third.onLeave("*", (event) -> left.add(event.member().principal() + "@" + event.channel()));
		dying.onLeave("*", (event) -> leftOnTheDyingOne.add(event.member().principal()));
		this.presence.broadcast("room");
		third.broadcast("room");
		dying.broadcast("room");
		Listener watcher = listen(connect(this.manager, "watcher", "presence/room"));
		// the snapshot is taken when the watcher connects: wait for it, so that the three
		// members below reach the watcher as joins rather than in the snapshot
		assertThat(watcher.await("presence/room", 1)).containsExactly("{\"op\":\"snapshot\",\"members\":[]}");
		connect(dyingManager, "ann", "room");
		connect(dyingManager, "bob", "room", "lobby");
		connect(this.manager, "cid", "room");
		awaitCount("room", 3);
		watcher.await("presence/room", 4);
		// the instance stops marking itself alive, as a killed one does; its connections
		// stay open, so only an eviction by another instance can remove them
		dying.close();
		awaitCount("room", 1);
		awaitCount("lobby", 0);
		awaitSize(left, 3);
		assertThat(left).containsExactlyInAnyOrder("ann@room", "bob@room", "bob@lobby");
		assertThat(leftOnTheDyingOne).isEmpty();
		assertThat(this.presence.members("room").block(TIMEOUT)).extracting(EvMember::principal).containsExactly("cid");
		assertThat(watcher.await("presence/room", 6).subList(4, 6))
			.allSatisfy((leave) -> assertThat(leave).startsWith("{\"op\":\"leave\""));
	}

	@Test
	void instanceEvictedWhilePausedShouldAddItsMembersAgainAndTellTheirJoins() {
		List<String> seen = new CopyOnWriteArrayList<>();
		this.presence.onJoin("room", (event) -> seen.add("join " + event.member().principal()));
		this.presence.onLeave("room", (event) -> seen.add("leave " + event.member().principal()));
		EvStream ann = connect(this.manager, "ann", "room");
		awaitSize(seen, 1);
		// as if this instance were paused past its mark, and another evicted its members
		// (again if the instance's own probe marked it alive in between)
		List<String> evicted = List.of();
		for (int attempt = 0; attempt < 10 && evicted.isEmpty(); attempt++) {
			this.backend.presenceStore().heartbeat(this.presence.instance(), Duration.ZERO).block(TIMEOUT);
			evicted = this.backend.presenceStore()
				.evictDead()
				.map((member) -> member.principal())
				.collectList()
				.block(TIMEOUT);
		}
		assertThat(evicted).containsExactly("ann");
		awaitCount("room", 1);
		awaitSize(seen, 2);
		assertThat(seen).containsExactly("join ann", "join ann");
		assertThat(this.presence.members("room").block(TIMEOUT)).extracting(EvMember::connectionId)
			.containsExactly(ann.id());
	}

	@Test
	void joinsAndLeavesOfAChannelNobodyMayFollowShouldLeaveNoHistory() {
		EvStream ann = connect(this.manager, "ann", "room");
		awaitCount("room", 1);
		ann.close();
		awaitCount("room", 0);
		assertThat(this.backend.channelHistory().head("presence/room").block(TIMEOUT)).isZero();
	}

	@Test
	void patternsAndProbeIntervalShouldBeChecked() {
		assertThat(new ChannelPattern("room:*").matches("room:1")).isTrue();
		assertThat(new ChannelPattern("room:*").matches("lobby")).isFalse();
		assertThat(new ChannelPattern("*").matches("a/b")).isTrue();
		assertThat(new ChannelPattern("a.b").matches("aXb")).isFalse();
		assertThat(new ChannelPattern("*:chat").matches("room:chat")).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> new ChannelPattern(""))
			.withMessage("A channel pattern must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> new EvPresence(this.manager, Duration.ZERO))
			.withMessage("'probeInterval' must be positive, but was PT0S");
		assertThat(EvPresence.watchedChannel("presence/room")).isEqualTo("room");
		assertThat(EvPresence.watchedChannel("presence/")).isNull();
		assertThat(EvPresence.watchedChannel("room")).isNull();
	}

	private EvStreamManager manager() {
		EvStreamManager manager = EvStreamManager.builder()
			.jsonMapper(JsonMapper.builder().build())
			.backend(this.backend)
			.metrics(new StreamMetrics() {

				@Override
				public void triggerFailed(String model) {
					if (model.equals("presence")) {
						EvPresenceTests.this.failedTriggers.incrementAndGet();
					}
				}

			})
			.build();
		this.closing.add(0, manager::close);
		return manager;
	}

	private EvPresence presence(EvStreamManager manager) {
		EvPresence presence = new EvPresence(manager, PROBE);
		this.closing.add(0, presence::close);
		return presence;
	}

	/**
	 * Connects a client that reads its stream, as the endpoint does: a stream nobody
	 * reads is closed after the claim timeout, which would make its member leave.
	 */
	private EvStream connect(EvStreamManager manager, String principal, String... channels) {
		EvConnectRequest request = EvConnectRequest.of(channels);
		EvStream stream = manager.connect(new EvConnectRequest(request.channels(), null, EvPrincipal.of(principal)))
			.block(TIMEOUT);
		Listener listener = new Listener();
		stream.output().subscribe(listener);
		this.closing.add(0, listener::dispose);
		this.readers.put(stream, listener);
		return stream;
	}

	private void awaitCount(String channel, long count) {
		awaitTrue(() -> this.presence.count(channel).block(TIMEOUT) == count,
				"channel '" + channel + "' to have " + count + " members");
	}

	private static void awaitSize(List<?> list, int size) {
		awaitTrue(() -> list.size() >= size, size + " entries in " + list);
	}

	private static void awaitTrue(Supplier<Boolean> condition, String what) {
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!condition.get()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting for " + what);
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	private Listener listen(EvStream stream) {
		return this.readers.get(stream);
	}

	/**
	 * Reads a stream's output as a browser would.
	 */
	private static final class Listener extends BaseSubscriber<List<byte[]>> {

		private final SseRecording recording = new SseRecording();

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		protected void hookOnNext(List<byte[]> batch) {
			batch.forEach(this.recording::feed);
		}

		List<String> await(String event, int count) {
			this.recording.await((events) -> events.stream().filter((e) -> e.event().equals(event)).count() >= count,
					TIMEOUT);
			return this.recording.data(event);
		}

	}

}
