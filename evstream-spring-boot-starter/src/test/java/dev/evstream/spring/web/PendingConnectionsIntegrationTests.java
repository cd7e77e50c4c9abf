package dev.evstream.spring.web;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that carry no stream are limited in number; streams do not count.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.server.max-pending-connections=3", "evstream.server.request-timeout=1s",
				"management.health.redis.enabled=false" })
class PendingConnectionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	MeterRegistry registry;

	@AfterEach
	void nothingIsLeft() {
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0 && pending() == 0);
	}

	@Test
	void connectionBeyondPendingLimitShouldBeClosedAndCounted() throws Exception {
		double refused = rejected("max-pending-connections");
		List<Socket> silent = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				silent.add(HostileSockets.connect(this.port));
			}
			await().atMost(TIMEOUT).until(() -> pending() == 3);
			try (Socket beyond = HostileSockets.connect(this.port)) {
				assertThat(HostileSockets.awaitClosed(beyond, TIMEOUT)).isTrue();
			}
			assertThat(rejected("max-pending-connections")).isEqualTo(refused + 1);
			for (Socket socket : silent) {
				assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
			}
			// the silent ones gone, a client gets its stream
			try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=news")) {
				client.awaitEvent("connected", TIMEOUT);
				assertThat(client.status()).isEqualTo(200);
			}
		}
		finally {
			for (Socket socket : silent) {
				socket.close();
			}
		}
	}

	@Test
	void streamsShouldNotCountAsPending() {
		List<SseTestClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < 6; i++) {
				SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=news");
				clients.add(client);
				client.awaitEvent("connected", TIMEOUT);
			}
			assertThat(this.streams.connectionCount()).isEqualTo(6);
			assertThat(pending()).isZero();
		}
		finally {
			clients.forEach(SseTestClient::close);
		}
	}

	private double pending() {
		Gauge gauge = this.registry.find("evstream.connections.pending").gauge();
		return (gauge != null) ? gauge.value() : 0;
	}

	private double rejected(String reason) {
		Counter counter = this.registry.find("evstream.connections.rejected").tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

}
