package dev.evstream.spring.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.spring.web.HostileSockets.Trickle;
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
 * Clients that hold a socket without carrying a stream are closed by the request timeout,
 * over real sockets; streams are not; a client that reads a stream a byte at a time is
 * closed by the slow-consumer policy. Nothing is left behind.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "evstream.server.request-timeout=1s", "server.netty.idle-timeout=3s", "evstream.heartbeat=200ms",
				"evstream.connection.buffer-size=64", "evstream.connection.close-timeout=500ms",
				"management.health.redis.enabled=false" })
class HostileSocketIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String HEAD = "GET /evstream?channel=news HTTP/1.1\r\nHost: localhost\r\n"
			+ "Accept: text/event-stream\r\n\r\n";

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
	void silentSocketShouldBeClosedByRequestTimeout() throws Exception {
		double timedOut = rejected("request-timeout");
		try (Socket socket = HostileSockets.connect(this.port)) {
			assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
		}
		assertThat(rejected("request-timeout")).isEqualTo(timedOut + 1);
	}

	@Test
	void headSentByteBySecondShouldBeClosedByRequestTimeout() throws Exception {
		// a byte every 250 ms: never silent for long, but the head takes 20 s
		try (Socket socket = HostileSockets.connect(this.port);
				Trickle trickle = new Trickle(socket, Trickle.bytes(HEAD), Duration.ofMillis(250))) {
			assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
			assertThat(trickle.sent()).isLessThan(HEAD.length());
		}
	}

	@Test
	void headerLineEveryIntervalShouldBeClosedByRequestTimeout() throws Exception {
		List<String> lines = new ArrayList<>(List.of("GET /evstream?channel=news HTTP/1.1\r\n"));
		for (int i = 0; i < 100; i++) {
			lines.add("X-Trickle-" + i + ": " + i + "\r\n");
		}
		try (Socket socket = HostileSockets.connect(this.port);
				Trickle trickle = new Trickle(socket, lines, Duration.ofMillis(300))) {
			assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
			assertThat(trickle.sent()).isLessThan(lines.size());
		}
	}

	@Test
	void keptAliveConnectionTricklingItsNextHeadShouldBeClosedByRequestTimeout() throws Exception {
		try (Socket socket = HostileSockets.connect(this.port)) {
			// a complete request and its answer (400: no channel), then the next head
			// slowly
			HostileSockets.send(socket, "GET /evstream HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponseHead(socket)).startsWith("HTTP/1.1 400");
			try (Trickle trickle = new Trickle(socket, Trickle.bytes(HEAD), Duration.ofMillis(250))) {
				assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
				assertThat(trickle.sent()).isLessThan(HEAD.length());
			}
		}
	}

	@Test
	void keptAliveConnectionSilentAfterItsResponseShouldBeClosedByIdleTimeout() throws Exception {
		double timedOut = rejected("request-timeout");
		try (Socket socket = HostileSockets.connect(this.port)) {
			HostileSockets.send(socket, "GET /evstream HTTP/1.1\r\nHost: localhost\r\n\r\n");
			assertThat(readResponseHead(socket)).startsWith("HTTP/1.1 400");
			assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
		}
		// silence between requests is not a late request head
		assertThat(rejected("request-timeout")).isEqualTo(timedOut);
	}

	@Test
	void streamShouldOutliveRequestTimeout() throws Exception {
		try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=news")) {
			client.awaitEvent("connected", TIMEOUT);
			assertThat(pending()).isZero();
			// fifteen heartbeats of 200 ms: three times the request timeout
			client.awaitCount("heartbeat", 15, TIMEOUT);
			this.streams.send("news", EvMessage.of("n", "still here")).block(TIMEOUT);
			assertThat(client.awaitEvent("n", TIMEOUT).data()).isEqualTo("still here");
			assertThat(client.isEnded()).isFalse();
		}
	}

	@Test
	void streamReadByteByByteShouldBeClosedAndReleaseItsSlot() throws Exception {
		try (Socket slow = new Socket()) {
			// small, but not so small that the window stalls below one segment
			slow.setReceiveBufferSize(8192);
			slow.connect(new InetSocketAddress("127.0.0.1", this.port));
			HostileSockets.send(slow, HEAD);
			await().atMost(TIMEOUT).until(() -> this.streams.listenerCount("news") == 1);
			AtomicBoolean slowly = new AtomicBoolean(true);
			CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> read(slow, slowly));
			String payload = "x".repeat(4096);
			// far more than the socket buffers and the connection's queue hold
			for (int i = 0; i < 1000 && this.streams.listenerCount("news") > 0; i++) {
				this.streams.send("news", EvMessage.of("big", payload)).block(TIMEOUT);
			}
			await().atMost(TIMEOUT).until(() -> this.streams.connectionCount() == 0);
			// the slot is free; what the server wrote is read at full speed, and the
			// connection is closed after its stream
			slowly.set(false);
			assertThat(closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void thousandSilentSocketsShouldAllBeClosedWhileRealRequestsSucceed() throws Exception {
		int count = 1010;
		List<Socket> sockets = new ArrayList<>(count);
		try {
			for (int i = 0; i < count; i++) {
				sockets.add(HostileSockets.connect(this.port));
			}
			long opened = System.nanoTime();
			try (SseTestClient client = SseTestClient.get(this.port, "/evstream?channel=news")) {
				client.awaitEvent("connected", TIMEOUT);
				assertThat(this.streams.connectionCount()).isEqualTo(1);
				for (Socket socket : sockets) {
					assertThat(HostileSockets.awaitClosed(socket, TIMEOUT)).isTrue();
				}
				long allClosedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
				System.out.println(count + " silent sockets closed within " + allClosedMillis
						+ " ms of the last one being opened (request timeout 1 s)");
				await().atMost(TIMEOUT).until(() -> pending() == 0);
				assertThat(client.isEnded()).isFalse();
				assertThat(this.streams.connectionCount()).isEqualTo(1);
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
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

	private static String readResponseHead(Socket socket) throws IOException {
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		InputStream in = socket.getInputStream();
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b == -1) {
				break;
			}
			head.append((char) b);
		}
		String text = head.toString();
		int length = Integer.parseInt(text.replaceAll("(?is).*content-length: *(\\d+).*", "$1").trim());
		in.readNBytes(length);
		return text;
	}

	/**
	 * Reads a byte at a time, ten bytes a second, while asked to, then at full speed,
	 * until the server closes the connection.
	 */
	private static boolean read(Socket socket, AtomicBoolean slowly) {
		try {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			while (true) {
				if (slowly.get()) {
					if (in.read() == -1) {
						return true;
					}
					TimeUnit.MILLISECONDS.sleep(100);
				}
				else if (in.read(buffer) == -1) {
					return true;
				}
			}
		}
		catch (SocketException ex) {
			return true;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

}
