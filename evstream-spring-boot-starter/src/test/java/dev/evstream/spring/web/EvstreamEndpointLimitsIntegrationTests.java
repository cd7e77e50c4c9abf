package dev.evstream.spring.web;

import java.time.Duration;

import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.max-connections=2", "evstream.max-listeners=1", "evstream.retry=2500ms" })
class EvstreamEndpointLimitsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void listenerLimitShouldAnswer503WithRetryAfter() {
		try (SseTestClient first = SseTestClient.get(this.port, "/evstream?channel=full")) {
			first.awaitEvent("connected", TIMEOUT);
			try (SseTestClient second = SseTestClient.get(this.port, "/evstream?channel=full")) {
				assertThat(Problems.read(second, 503).get("detail").stringValue())
					.isEqualTo("Channel 'full' already has the maximum of 1 listeners");
				assertThat(second.header("Retry-After")).isEqualTo("3");
				assertThat(second.events()).isEmpty();
			}
		}
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0);
	}

	@Test
	void connectionLimitShouldAnswer503AndFreeSlotAfterDisconnect() {
		SseTestClient a = SseTestClient.get(this.port, "/evstream?channel=a");
		SseTestClient b = SseTestClient.get(this.port, "/evstream?channel=b");
		a.awaitEvent("connected", TIMEOUT);
		b.awaitEvent("connected", TIMEOUT);
		try (SseTestClient refused = SseTestClient.get(this.port, "/evstream?channel=c")) {
			assertThat(Problems.read(refused, 503).get("detail").stringValue())
				.isEqualTo("The maximum of 2 connections is reached");
			assertThat(refused.header("Retry-After")).isEqualTo("3");
		}
		a.close();
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 1);
		try (SseTestClient admitted = SseTestClient.get(this.port, "/evstream?channel=c")) {
			assertThat(admitted.status()).isEqualTo(200);
			admitted.awaitEvent("connected", TIMEOUT);
		}
		b.close();
	}

}
