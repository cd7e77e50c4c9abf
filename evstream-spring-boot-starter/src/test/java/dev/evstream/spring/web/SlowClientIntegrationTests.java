package dev.evstream.spring.web;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that stops reading fills its socket, then its bounded queue, and is closed;
 * the publisher and the other clients never wait for it.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.connection.buffer-size=256", "evstream.connection.close-timeout=500ms",
				"evstream.heartbeat=200ms", "management.health.redis.enabled=false" })
class SlowClientIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void clientThatStopsReadingShouldBeClosedWithoutSlowingOthers() throws Exception {
		try (Socket stalled = new Socket();
				SseTestClient reader = SseTestClient.get(this.port, "/evstream?channel=flood")) {
			stalled.setReceiveBufferSize(4096);
			stalled.connect(new InetSocketAddress("127.0.0.1", this.port));
			OutputStream out = stalled.getOutputStream();
			out.write(("GET /evstream?channel=flood HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			reader.awaitEvent("connected", TIMEOUT);
			await().atMost(TIMEOUT).until(() -> this.streams.listenerCount("flood") == 2);
			String payload = "x".repeat(16 * 1024);
			int messages = 2000;
			for (int i = 1; i <= messages; i++) {
				this.streams.send("flood", EvMessage.of("big", payload)).block(TIMEOUT);
				if (i % 50 == 0) {
					// the reader keeps up; only the stalled client falls behind
					reader.awaitCount("big", i - 50, TIMEOUT);
				}
			}
			await().atMost(TIMEOUT).until(() -> this.streams.listenerCount("flood") == 1);
			assertThat(reader.awaitCount("big", messages, TIMEOUT)).hasSize(messages);
			assertThat(reader.isEnded()).isFalse();
		}
	}

}
