package dev.evstream.spring.web;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvStreamManager;
import dev.evstream.core.auth.ChannelAuthorizer;
import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.test.SseTestClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Connections that carry no stream are limited in number: beyond the limit, the oldest
 * one waiting for a request head makes room, or the new one is closed; streams do not
 * count.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.server.max-pending-connections=3", "evstream.server.request-timeout=1m",
				"management.health.redis.enabled=false" })
@Import(PendingConnectionsIntegrationTests.HoldingAuthorizer.class)
class PendingConnectionsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Autowired
	MeterRegistry registry;

	@Autowired
	HoldingAuthorizer authorizer;

	@AfterEach
	void nothingIsLeft() {
		await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0 && pending() == 0);
	}

	@Test
	void connectionBeyondPendingLimitShouldCloseOldestWaitingOne() throws Exception {
		double refused = rejected("max-pending-connections");
		List<Socket> silent = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				silent.add(HostileSockets.connect(this.port));
				int opened = i + 1;
				await().atMost(TIMEOUT).until(() -> pending() == opened);
			}
			// one more silent socket: the oldest makes room, long before its request
			// timeout
			silent.add(HostileSockets.connect(this.port));
			assertThat(HostileSockets.awaitClosed(silent.get(0), TIMEOUT)).isTrue();
			assertThat(rejected("max-pending-connections")).isEqualTo(refused + 1);
			await().atMost(TIMEOUT).until(() -> pending() == 3);
			// and a client that sends its request at once gets its stream
			try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=news")) {
				client.awaitEvent("connected", TIMEOUT);
				assertThat(HostileSockets.awaitClosed(silent.get(1), TIMEOUT)).isTrue();
				assertThat(rejected("max-pending-connections")).isEqualTo(refused + 2);
			}
		}
		finally {
			for (Socket socket : silent) {
				socket.close();
			}
		}
	}

	@Test
	void connectionBeyondPendingLimitShouldBeClosedWhenEveryPendingOneIsBeingAnswered() throws Exception {
		double refused = rejected("max-pending-connections");
		List<SseTestClient> held = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				held.add(SseTestClient.get(this.port, "/evstream?channel=held"));
			}
			assertThat(this.authorizer.asked.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThat(pending()).isEqualTo(3);
			try (Socket beyond = HostileSockets.connect(this.port)) {
				assertThat(HostileSockets.awaitClosed(beyond, TIMEOUT)).isTrue();
			}
			assertThat(rejected("max-pending-connections")).isEqualTo(refused + 1);
			assertThat(held).allSatisfy((client) -> assertThat(client.isEnded()).isFalse());
		}
		finally {
			held.forEach(SseTestClient::close);
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

	/**
	 * Never answers for channel 'held': its requests stay pending, heads received.
	 */
	static class HoldingAuthorizer implements ChannelAuthorizer {

		final CountDownLatch asked = new CountDownLatch(3);

		@Override
		public Mono<Boolean> canListen(EvPrincipal principal, String channel) {
			if (!channel.equals("held")) {
				return Mono.just(true);
			}
			this.asked.countDown();
			return Mono.never();
		}

	}

}
