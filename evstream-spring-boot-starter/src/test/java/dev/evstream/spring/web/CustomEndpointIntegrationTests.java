package dev.evstream.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's own-endpoint example, served over a real port.
 */
@SpringBootTest(classes = { TestApplication.class, CustomEndpointIntegrationTests.NewsController.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class CustomEndpointIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager manager;

	@Test
	void ownEndpointShouldStreamWhatTheHandlerSends() {
		try (SseTestClient client = SseTestClient.get(this.port, "/news")) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.header("Content-Type")).startsWith("text/event-stream");
			SseEvent hello = client.awaitEvent("hello", TIMEOUT);
			assertThat(hello.data()).isEqualTo("{\"why\":\"hii\"}");
			await().atMost(TIMEOUT).until(() -> this.manager.listenerCount("news") == 1);
			this.manager.send("news", EvMessage.of("news", "breaking"));
			assertThat(client.awaitEvent("news", TIMEOUT).data()).isEqualTo("breaking");
		}
		await().atMost(TIMEOUT).until(() -> this.manager.connectionCount() == 0);
	}

	@TestConfiguration(proxyBeanMethods = false)
	@RestController
	static class NewsController {

		private final EvStreamManager manager;

		NewsController(EvStreamManager manager) {
			this.manager = manager;
		}

		@GetMapping("/news")
		Mono<Void> news(ServerHttpResponse response) {
			EvStream stream = this.manager.createStream();
			stream.listen("news");
			stream.message(EvMessage.of("hello", Map.of("why", "hii")));
			return EvstreamResponses.write(stream, response);
		}

	}

}
