package dev.evstream.sample.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence when a replica dies: two replicas of the packaged sample app on one Redis,
 * {@value #CLIENTS} clients of the chat on replica B, and a client of
 * {@code presence/chat} on replica A. Replica B is killed with {@code SIGKILL}, so it
 * tells nobody: its alive mark runs out after three probe intervals and replica A evicts
 * its members at its next probe, within about four intervals. A's client then receives
 * exactly one {@code leave} per member of B, and A's {@code evstream.presence.leaves}
 * counter, moved by a leave trigger, by exactly as many: each leave is run once. One more
 * client on B is in a room created on A: its eviction is one more leave, after which the
 * room, whose self-destruct rule lives on A, destroys itself.
 * <p>
 * The probe interval is {@value #PROBE_INTERVAL_MS} ms here, so the bound is about 2 s;
 * the waits poll up to a generous {@link #TIMEOUT} rather than time the eviction, whose
 * time goes to {@code target/presence-sigkill-figures.md}.
 */
class PresenceSigkillIntegrationTests {

	private static final int CLIENTS = 5;

	private static final int PROBE_INTERVAL_MS = 500;

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String CHANNEL = "chat";

	private static final String PRESENCE = "presence/" + CHANNEL;

	private static final Path FIGURES = Path.of("target", "presence-sigkill-figures.md");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void closeEverything() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void membersOfAKilledReplicaShouldLeaveOnceEachAndEmptyTheirRooms() throws Exception {
		RedisServer redis = open(RedisServer.startLocal());
		Map<String, String> environment = Map.of("EVSTREAM_REDIS_KEY_PREFIX",
				"presence" + UUID.randomUUID().toString().substring(0, 8), "EVSTREAM_PRESENCE_PROBE_INTERVAL",
				PROBE_INTERVAL_MS + "ms", "SPRING_MAIN_BANNER_MODE", "off");
		ReplicaProcess a = open(ReplicaProcess.launch("presence-a", redis.host(), redis.port(), environment));
		ReplicaProcess b = open(ReplicaProcess.launch("presence-b", redis.host(), redis.port(), environment));
		a.awaitStarted();
		b.awaitStarted();

		SseTestClient watcher = open(SseTestClient.get(a.port(), "/evstream?channel=" + PRESENCE));
		assertThat(watcher.status()).as("listening to %s on replica A", PRESENCE).isEqualTo(200);
		watcher.awaitEvent(PRESENCE, TIMEOUT);
		Set<String> membersOfB = new HashSet<>();
		for (int i = 0; i < CLIENTS; i++) {
			SseTestClient client = open(SseTestClient.get(b.port(), "/evstream?channel=" + CHANNEL));
			membersOfB.add(memberId(client));
		}
		watcher.awaitEvents((events) -> shown(events).containsAll(membersOfB), TIMEOUT);
		// a room created on A, whose one client is on B: its self-destruct rule lives on
		// A
		String room = createRoom(a);
		SseTestClient roomClient = open(SseTestClient.get(b.port(), "/evstream?channel=" + room));
		assertThat(roomClient.awaitEvent(room, TIMEOUT).data()).contains("\"topic\"");
		// B's join triggers run once a member is in the store: then its eviction will
		// find it
		await("B to count its members' joins").atMost(TIMEOUT).until(() -> joins(b) >= CLIENTS + 1);
		double leavesBefore = leaves(a);

		long killed = System.nanoTime();
		b.kill();
		watcher.awaitEvents((events) -> ids(events, "leave").containsAll(membersOfB), TIMEOUT);
		Duration evicted = Duration.ofNanos(System.nanoTime() - killed);

		// a join told after the leaves: a leave told twice would most likely be before it
		SseTestClient late = open(SseTestClient.get(a.port(), "/evstream?channel=" + CHANNEL));
		String lateMember = memberId(late);
		List<SseEvent> events = watcher.awaitEvents((seen) -> ids(seen, "join").contains(lateMember), TIMEOUT);
		List<String> leaves = ids(events, "leave");
		assertThat(leaves).as("leaves told on A, %s ms after the kill", evicted.toMillis())
			.hasSize(CLIENTS)
			.containsExactlyInAnyOrderElementsOf(membersOfB);
		await("A's leave counter to count the evictions").atMost(TIMEOUT)
			.until(() -> leaves(a) - leavesBefore >= CLIENTS + 1);
		assertThat(leaves(a) - leavesBefore).as("leave triggers run on A: the chat's members and the room's")
			.isEqualTo(CLIENTS + 1);
		assertThat(shown(events)).as("members of chat as A's client shows them").containsExactly(lateMember);
		await("the room whose last client was on B to destroy itself").atMost(TIMEOUT)
			.until(() -> get(a, "/api/rooms/" + room).statusCode() == 404);
		record(evicted, leaves.size(), (long) (leaves(a) - leavesBefore));
	}

	/**
	 * Adds a row to {@code target/presence-sigkill-figures.md}: how long after the kill
	 * the last member of B was told to leave on A.
	 */
	private static void record(Duration evicted, int leavesTold, long triggerRuns) throws IOException {
		String header = "| probe interval (ms) | members of the killed replica | last leave told after (ms) | "
				+ "leaves told | leave triggers run |\n| ---: | ---: | ---: | ---: | ---: |\n";
		String row = "| " + PROBE_INTERVAL_MS + " | " + CLIENTS + " | " + evicted.toMillis() + " | " + leavesTold
				+ " | " + triggerRuns + " |\n";
		System.out.println("presence sigkill: last leave told " + evicted.toMillis() + " ms after the kill");
		if (!Files.exists(FIGURES)) {
			Files.writeString(FIGURES, header);
		}
		Files.writeString(FIGURES, row, StandardOpenOption.APPEND);
	}

	private <T extends AutoCloseable> T open(T resource) {
		this.resources.add(resource);
		return resource;
	}

	/**
	 * The member id of a client's connection, as the server derives it: the first 16
	 * characters of the SHA-256 of the connection id, in base64url.
	 */
	private static String memberId(SseTestClient client) {
		assertThat(client.status()).isEqualTo(200);
		String connectionId = json(client.awaitEvent("connected", TIMEOUT).data()).path("connectionId").stringValue();
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(connectionId.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The ids of the members in the presence events of one op, in order, repeats
	 * included.
	 */
	private static List<String> ids(List<SseEvent> events, String op) {
		List<String> ids = new ArrayList<>();
		for (SseEvent event : events) {
			if (event.event().equals(PRESENCE)) {
				JsonNode data = json(event.data());
				if (op.equals(data.path("op").stringValue())) {
					ids.add(data.path("member").path("id").stringValue());
				}
			}
		}
		return ids;
	}

	/**
	 * The members the presence events show: the last snapshot, then its joins and leaves.
	 */
	private static Set<String> shown(List<SseEvent> events) {
		Set<String> members = new LinkedHashSet<>();
		for (SseEvent event : events) {
			if (!event.event().equals(PRESENCE)) {
				continue;
			}
			JsonNode data = json(event.data());
			switch (data.path("op").stringValue()) {
				case "snapshot" -> {
					members.clear();
					data.path("members").forEach((member) -> members.add(member.path("id").stringValue()));
				}
				case "join" -> members.add(data.path("member").path("id").stringValue());
				case "leave" -> members.remove(data.path("member").path("id").stringValue());
				default -> {
				}
			}
		}
		return members;
	}

	private double leaves(ReplicaProcess replica) throws Exception {
		return counter(replica, "evstream.presence.leaves");
	}

	private double joins(ReplicaProcess replica) throws Exception {
		return counter(replica, "evstream.presence.joins");
	}

	/** A counter of a replica, from its metrics endpoint. */
	private double counter(ReplicaProcess replica, String name) throws Exception {
		HttpResponse<String> response = get(replica, "/actuator/metrics/" + name);
		assertThat(response.statusCode()).as("%s of %s", name, replica).isEqualTo(200);
		return json(response.body()).path("measurements").path(0).path("value").asDouble();
	}

	private String createRoom(ReplicaProcess replica) throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/api/rooms"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"kill\"}"))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("a room created on %s", replica).isEqualTo(201);
		return json(response.body()).path("key").stringValue();
	}

	private HttpResponse<String> get(ReplicaProcess replica, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode json(String text) {
		return JsonMapper.shared().readTree(text);
	}

}
