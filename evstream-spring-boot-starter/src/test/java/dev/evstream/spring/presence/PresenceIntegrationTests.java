package dev.evstream.spring.presence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.evstream.core.auth.Authenticator;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.presence.EvMember;
import dev.evstream.core.presence.EvPresence;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence over a real port: members of a channel, its {@code presence/<channel>} channel
 * as a raw SSE client reads it, the refusals of presence channels that are not broadcast
 * or not allowed, the join and leave counters, and the Actuator endpoint.
 */
@SpringBootTest(classes = PresenceIntegrationTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.presence.broadcast=room,secret", "management.endpoints.web.exposure.include=evstream",
				"management.health.redis.enabled=false" })
class PresenceIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper json = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Autowired
	EvPresence presence;

	@Autowired
	MeterRegistry registry;

	private WebTestClient http;

	@BeforeEach
	void setUp() {
		this.http = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.port)
			.responseTimeout(TIMEOUT)
			.build();
	}

	/**
	 * Waits until the connections of a test have left and their leaves were counted, so
	 * that the next test counts only its own.
	 */
	@AfterEach
	void settle() {
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(this.presence.count("room").block(TIMEOUT)).isZero();
			assertThat(this.presence.count("lobby").block(TIMEOUT)).isZero();
			assertThat(counter("evstream.presence.leaves")).isEqualTo(counter("evstream.presence.joins"));
		});
	}

	@Test
	void membersShouldBeReadAndFollowedOnThePresenceChannelAndCounted() {
		double joins = counter("evstream.presence.joins");
		double leaves = counter("evstream.presence.leaves");
		try (SseTestClient early = open("cid", "presence/room")) {
			assertThat(presenceEvents(early, 1).get(0))
				.isEqualTo(json.readTree("{\"op\":\"snapshot\",\"members\":[]}"));
			try (SseTestClient ann = open("ann", "room"); SseTestClient bob = openAfter(ann, "bob", "room")) {
				String annId = connectionId(ann);
				String bobId = connectionId(bob);
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(members("room")).extracting(EvMember::connectionId)
						.containsExactly(annId, bobId));
				List<EvMember> members = members("room");
				assertThat(members).extracting(EvMember::principal).containsExactly("ann", "bob");
				assertThat(members).extracting(EvMember::instance).containsOnly(this.presence.instance());
				assertThat(this.presence.count("room").block(TIMEOUT)).isEqualTo(2);
				// the early listener saw both joins: they are in the channel's history,
				// so
				// a later listener's snapshot holds them and no join of theirs follows it
				List<JsonNode> seen = presenceEvents(early, 3);
				assertThat(seen.subList(1, 3)).containsExactly(change("join", members.get(0)),
						change("join", members.get(1)));
				try (SseTestClient watcher = open("cid", "presence/room")) {
					assertThat(presenceEvents(watcher, 1).get(0)).isEqualTo(snapshot(members));
					EvMember dan;
					try (SseTestClient danClient = open("dan", "room")) {
						String danId = connectionId(danClient);
						assertThat(presenceEvents(watcher, 2).get(1).get("op").stringValue()).isEqualTo("join");
						dan = members("room").get(2);
						assertThat(dan.connectionId()).isEqualTo(danId);
						assertThat(dan.principal()).isEqualTo("dan");
					}
					List<JsonNode> watched = presenceEvents(watcher, 3);
					assertThat(watched).containsExactly(snapshot(members), change("join", dan), change("leave", dan));
					assertThat(members("room")).isEqualTo(members);
					// three joins and one leave, each counted once; listeners of the
					// presence channel join nothing
					await().atMost(TIMEOUT).untilAsserted(() -> {
						assertThat(counter("evstream.presence.joins") - joins).isEqualTo(3);
						assertThat(counter("evstream.presence.leaves") - leaves).isEqualTo(1);
					});
					assertThat(watcher.events("presence/room")).hasSize(3);
					this.http.get()
						.uri("/actuator/evstream")
						.exchange()
						.expectStatus()
						.isOk()
						.expectBody()
						.jsonPath("$.channels.room")
						.isEqualTo(2)
						.jsonPath("$.channels['presence/room']")
						.isEqualTo(2)
						.jsonPath("$.members.room")
						.isEqualTo(2)
						.jsonPath("$.members['presence/room']")
						.doesNotExist();
				}
			}
			// ann and bob left when their connections closed, in either order
			List<String> seen = presenceEvents(early, 7).subList(1, 7)
				.stream()
				.map((event) -> event.get("op").stringValue() + " "
						+ event.get("member").get("principal").stringValue())
				.toList();
			assertThat(seen.subList(0, 4)).containsExactly("join ann", "join bob", "join dan", "leave dan");
			assertThat(seen.subList(4, 6)).containsExactlyInAnyOrder("leave bob", "leave ann");
		}
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(this.presence.count("room").block(TIMEOUT)).isZero();
			assertThat(counter("evstream.presence.joins") - joins).isEqualTo(3);
			assertThat(counter("evstream.presence.leaves") - leaves).isEqualTo(3);
		});
	}

	@Test
	void presenceChannelNotBroadcastShouldBeRefused() {
		try (SseTestClient client = open("ann", "presence/other")) {
			expectProblem(client, 403,
					"Not allowed to listen to channel 'presence/other': the members of channel 'other' are not broadcast");
		}
	}

	@Test
	void presenceChannelNotBroadcastShouldBeRefusedWhenAdded() {
		try (SseTestClient client = open("ann", "lobby")) {
			String connectionId = connectionId(client);
			JsonNode problem = this.http.post()
				.uri("/evstream/subscriptions")
				.contentType(MediaType.APPLICATION_JSON)
				.header("Authorization", "Bearer ann")
				.bodyValue("{\"connectionId\":\"" + connectionId + "\",\"add\":[\"presence/other\"]}")
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.expectBody(JsonNode.class)
				.returnResult()
				.getResponseBody();
			assertThat(problem.get("status").intValue()).isEqualTo(403);
			assertThat(problem.get("detail").stringValue()).isEqualTo(
					"Not allowed to listen to channel 'presence/other': the members of channel 'other' are not broadcast");
			this.http.post()
				.uri("/evstream/subscriptions")
				.contentType(MediaType.APPLICATION_JSON)
				.header("Authorization", "Bearer ann")
				.bodyValue("{\"connectionId\":\"" + connectionId + "\",\"add\":[\"presence/room\"]}")
				.exchange()
				.expectStatus()
				.isOk();
			assertThat(presenceEvents(client, 1).get(0).get("op").stringValue()).isEqualTo("snapshot");
		}
	}

	@Test
	void presenceChannelShouldBeRefusedWhenTheWatchedChannelIsNotAllowed() {
		try (SseTestClient client = open("ann", "presence/secret")) {
			expectProblem(client, 403, "Not allowed to listen to channel 'presence/secret'");
		}
	}

	@Test
	void presenceChannelShouldBeRefusedWhenItIsNotAllowedItself() {
		try (SseTestClient room = open("eve", "room")) {
			room.awaitEvent("connected", TIMEOUT);
		}
		try (SseTestClient client = open("eve", "presence/room")) {
			expectProblem(client, 403, "Not allowed to listen to channel 'presence/room'");
		}
	}

	private SseTestClient open(String principal, String channel) {
		return SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=" + channel,
				Map.of("Authorization", "Bearer " + principal));
	}

	/**
	 * Opens a connection once another has joined, so that joins come in a known order.
	 */
	private SseTestClient openAfter(SseTestClient first, String principal, String channel) {
		String firstId = connectionId(first);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(members(channel)).extracting(EvMember::connectionId).contains(firstId));
		return open(principal, channel);
	}

	private List<EvMember> members(String channel) {
		return this.presence.members(channel).block(TIMEOUT);
	}

	private double counter(String name) {
		return this.registry.get(name).counter().count();
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

	private static JsonNode snapshot(List<EvMember> members) {
		ObjectNode snapshot = json.createObjectNode().put("op", "snapshot");
		ArrayNode array = snapshot.putArray("members");
		members.forEach((member) -> array.add(member(member)));
		return snapshot;
	}

	private static JsonNode change(String op, EvMember member) {
		ObjectNode change = json.createObjectNode().put("op", op);
		change.set("member", member(member));
		return change;
	}

	private static ObjectNode member(EvMember member) {
		return json.createObjectNode()
			.put("id", memberId(member.connectionId()))
			.put("principal", member.principal())
			.put("joinedAt", member.joinedAt().toEpochMilli());
	}

	/**
	 * The id clients see: derived from the connection id, which it must not reveal.
	 */
	private static String memberId(String connectionId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(connectionId.getBytes(StandardCharsets.UTF_8));
			String id = Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
			assertThat(id).isNotEqualTo(connectionId);
			return id;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void expectProblem(SseTestClient client, int status, String detail) {
		assertThat(client.status()).isEqualTo(status);
		assertThat(client.header("Content-Type")).isEqualTo("application/problem+json");
		JsonNode problem = json.readTree(client.awaitBody(TIMEOUT));
		assertThat(problem.get("status").intValue()).isEqualTo(status);
		assertThat(problem.get("detail").stringValue()).isEqualTo(detail);
		assertThat(problem.get("instance").stringValue()).isEqualTo("/evstream");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		private static final Set<String> users = Set.of("ann", "bob", "cid", "dan", "eve");

		@Bean
		Authenticator authenticator() {
			return (token) -> users.contains(token) ? Mono.just(EvPrincipal.of(token)) : Mono.empty();
		}

		/**
		 * Nobody may listen to 'secret', and eve may listen to 'room' but not to who is
		 * in it.
		 */
		@Bean
		ChannelAuthorizer channelAuthorizer() {
			return (principal, channel) -> Mono.just(
					!channel.equals("secret") && !(principal.name().equals("eve") && channel.equals("presence/room")));
		}

	}

}
