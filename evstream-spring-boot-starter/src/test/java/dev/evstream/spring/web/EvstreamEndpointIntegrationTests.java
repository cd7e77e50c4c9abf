package dev.evstream.spring.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvState;
import dev.evstream.core.EvStateManager;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.heartbeat=200ms", "evstream.retry=1500ms" })
class EvstreamEndpointIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	EvStateManager states;

	@Test
	void streamShouldStartWithRetryConnectedAndSnapshot() {
		EvState<Integer> score = this.states.createStateBlocking("score", 12);
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=score&channel=news")) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.header("Content-Type")).startsWith("text/event-stream");
			assertThat(client.header("Cache-Control")).isEqualTo("no-cache");
			assertThat(client.header("X-Accel-Buffering")).isEqualTo("no");
			List<SseEvent> events = client.awaitEvents((list) -> list.size() >= 2, TIMEOUT);
			assertThat(client.body()).startsWith("retry: 1500\n\n");
			assertThat(events.get(0).event()).isEqualTo("connected");
			assertThat(events.get(0).data()).contains("\"channels\":[\"score\",\"news\"]");
			assertThat(events.get(1).event()).isEqualTo("score");
			assertThat(events.get(1).data()).isEqualTo("{\"value\":12,\"version\":1}");
			score.set(13);
			assertThat(client.awaitCount("score", 2, TIMEOUT).get(1).data()).isEqualTo("{\"value\":13,\"version\":2}");
		}
	}

	@Test
	void channelsParameterShouldListSeveralChannels() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channels=a,b&channel=c")) {
			SseEvent connected = client.awaitEvent("connected", TIMEOUT);
			assertThat(connected.data()).contains("\"channels\":[\"c\",\"a\",\"b\"]");
		}
	}

	@Test
	void broadcastShouldReachHundredClientsOnce() {
		List<SseTestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 100; i++) {
				clients.add(SseTestClient.get(this.port, "/evstream?channel=hundred"));
			}
			for (SseTestClient client : clients) {
				client.awaitEvent("connected", TIMEOUT);
			}
			StepVerifier.create(this.streams.send("hundred", EvMessage.of("news", Map.of("n", 1))))
				.expectComplete()
				.verify(TIMEOUT);
			for (SseTestClient client : clients) {
				SseEvent news = client.awaitEvent("news", TIMEOUT);
				assertThat(news.data()).isEqualTo("{\"n\":1}");
				assertThat(news.id()).isNotBlank();
			}
			for (SseTestClient client : clients) {
				assertThat(client.events("news")).hasSize(1);
			}
		}
		finally {
			clients.forEach(SseTestClient::close);
		}
	}

	@Test
	void heartbeatsShouldKeepIdleStreamsAlive() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=idle")) {
			List<SseEvent> heartbeats = client.awaitCount("heartbeat", 2, TIMEOUT);
			assertThat(heartbeats).allSatisfy((event) -> assertThat(event.data()).isEmpty());
			assertThat(client.body()).contains("event: heartbeat\ndata:\n\n");
		}
	}

	@Test
	void disconnectedClientShouldFreeItsSlotAndListener() {
		SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=leaving");
		client.awaitEvent("connected", TIMEOUT);
		assertThat(this.streams.listenerCount("leaving")).isEqualTo(1);
		client.close();
		await().atMost(TIMEOUT).until(() -> this.streams.listenerCount("leaving") == 0);
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0);
	}

	@Test
	void missingChannelShouldAnswer400() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream")) {
			assertThat(Problems.read(client, 400).get("detail").stringValue())
				.startsWith("At least one channel is required");
		}
	}

	@Test
	void invalidChannelShouldAnswer400() {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=ok&channel=no%0Aline")) {
			assertThat(Problems.read(client, 400).get("detail").stringValue()).contains("is invalid");
		}
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channels=a,,b")) {
			assertThat(Problems.read(client, 400).get("detail").stringValue()).contains("'' is invalid");
		}
		String tooLong = "x".repeat(129);
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=" + tooLong)) {
			Problems.read(client, 400);
		}
	}

	@Test
	void tooManyChannelsShouldAnswer400() {
		StringBuilder path = new StringBuilder("/evstream?channels=c0");
		for (int i = 1; i <= 32; i++) {
			path.append(",c").append(i);
		}
		try (SseTestClient client = SseTestClient.get(this.port, path.toString())) {
			assertThat(Problems.read(client, 400).get("detail").stringValue())
				.isEqualTo("At most 32 channels may be listened to on one connection, but 33 were asked for");
		}
	}

	@Test
	void garbageLastEventIdShouldStillStream() {
		try (SseTestClient client = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=g",
				Map.of("Last-Event-ID", "not-an-id"))) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.awaitEvent("reset", TIMEOUT).data())
				.isEqualTo("{\"channel\":\"g\",\"reason\":\"invalid-id\"}");
		}
	}

	@Test
	void webTestClientShouldReadTheStream() {
		WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		List<String> body = client.get()
			.uri("/evstream?channel=wtc")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
			.returnResult(String.class)
			.getResponseBody()
			.take(1)
			.collectList()
			.block(TIMEOUT);
		assertThat(body).singleElement().asString().contains("\"channels\":[\"wtc\"]");
	}

	@Test
	void webTestClientShouldReadProblemDetails() {
		WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		client.get()
			.uri((uri) -> uri.path("/evstream").queryParam("channel", "bad name").build())
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo(400)
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("'bad name' is invalid"));
	}

}
