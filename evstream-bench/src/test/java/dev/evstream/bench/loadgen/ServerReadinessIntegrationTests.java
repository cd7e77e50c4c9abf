package dev.evstream.bench.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ServerReadiness}, against real ports.
 */
class ServerReadinessIntegrationTests {

	@Test
	void awaitWhenTheServerListensShouldReturn() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.getLocalPort());
			assertThatNoException().isThrownBy(() -> ServerReadiness.await(address, Duration.ofSeconds(10)));
		}
	}

	@Test
	void awaitWhenNothingListensShouldFailAfterTheTimeoutNamingTheAddress() throws Exception {
		int port;
		try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			port = closed.getLocalPort();
		}
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
		long started = System.nanoTime();
		assertThatIllegalStateException().isThrownBy(() -> ServerReadiness.await(address, Duration.ofMillis(300)))
			.withMessageContaining("127.0.0.1:" + port + " did not accept connections within 300 ms");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
	}

}
