package dev.evstream.spring.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import dev.evstream.core.presence.EvMember;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence of two replicas against one real Redis, configured by the starter: members and
 * counts of both replicas on each, and a presence channel on one replica that follows the
 * members of the other.
 */
class RedisPresenceReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final String prefix = "p" + UUID.randomUUID().toString().substring(0, 8);

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
		Replica replica = Replica.start(this.url, this.prefix, "evstream.presence.broadcast=room",
				"evstream.presence.probe-interval=200ms");
		this.replicas.add(replica);
		return replica;
	}

	@Test
	void membersOfEachReplicaShouldBeSeenOnBoth() {
		Replica first = replica();
		Replica second = replica();
		SseTestClient ann = first.listen("room");
		String annId = connectionId(ann);
		await().atMost(TIMEOUT).until(() -> first.presence().count("room").block(TIMEOUT) == 1);
		SseTestClient bob = second.listen("room");
		String bobId = connectionId(bob);
		for (Replica replica : List.of(first, second)) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(replica.presence().members("room").block(TIMEOUT))
					.extracting(EvMember::connectionId)
					.containsExactly(annId, bobId));
		}
		List<EvMember> members = second.presence().members("room").block(TIMEOUT);
		assertThat(members).extracting(EvMember::instance)
			.containsExactly(first.presence().instance(), second.presence().instance());
		SseTestClient watcher = second.listen("presence/room");
		JsonNode snapshot = presenceEvents(watcher, 1).get(0);
		assertThat(snapshot.get("op").stringValue()).isEqualTo("snapshot");
		assertThat(snapshot.get("members").values()).extracting((member) -> member.get("id").stringValue())
			.containsExactly(memberId(annId), memberId(bobId));
		ann.close();
		// joins told after the snapshot was taken may come before the leave
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(presenceEvents(watcher, 1)).anySatisfy((event) -> {
			assertThat(event.get("op").stringValue()).isEqualTo("leave");
			assertThat(event.get("member").get("id").stringValue()).isEqualTo(memberId(annId));
		}));
		for (Replica replica : List.of(first, second)) {
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(replica.presence().members("room").block(TIMEOUT))
					.extracting(EvMember::connectionId)
					.containsExactly(bobId));
		}
	}

	private static String connectionId(SseTestClient client) {
		return json.readTree(client.awaitEvent("connected", TIMEOUT).data()).get("connectionId").stringValue();
	}

	private static List<JsonNode> presenceEvents(SseTestClient client, int count) {
		return client.awaitCount("presence/room", count, TIMEOUT)
			.stream()
			.map(SseEvent::data)
			.map(json::readTree)
			.toList();
	}

	private static String memberId(String connectionId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(connectionId.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
