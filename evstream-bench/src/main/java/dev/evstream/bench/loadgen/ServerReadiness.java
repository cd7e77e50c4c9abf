package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Waits for a server to accept connections, so that a run starts when the server is up
 * rather than after a guessed pause, and fails with a clear message when it never comes
 * up.
 *
 * @since 0.1.0
 */
final class ServerReadiness {

	private static final Duration PAUSE = Duration.ofMillis(100);

	private static final int CONNECT_TIMEOUT_MILLIS = 1000;

	private ServerReadiness() {
	}

	/**
	 * Tries to connect until a connection succeeds or the timeout has passed.
	 * @param server the server's address
	 * @param timeout the longest wait
	 * @throws IllegalStateException if the server did not accept a connection in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	static void await(InetSocketAddress server, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		IOException last;
		do {
			try (Socket socket = new Socket()) {
				socket.connect(server, CONNECT_TIMEOUT_MILLIS);
				return;
			}
			catch (IOException ex) {
				last = ex;
			}
			Thread.sleep(PAUSE.toMillis());
		}
		while (System.nanoTime() - deadline < 0);
		throw new IllegalStateException("Server at " + server.getHostString() + ":" + server.getPort()
				+ " did not accept connections within " + timeout.toMillis() + " ms (last attempt: " + last + ")",
				last);
	}

}
