package dev.evstream.spring.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Raw sockets that behave as hostile clients do: silent, trickling their request head, or
 * reading a byte at a time.
 */
final class HostileSockets {

	private HostileSockets() {
	}

	static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		return socket;
	}

	static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	/**
	 * Reads until the server closes the connection (end of stream or reset), discarding
	 * what it sends.
	 * @return whether the server closed it within the timeout
	 */
	static boolean awaitClosed(Socket socket, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[8192];
		while (true) {
			long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (remaining <= 0) {
				return false;
			}
			socket.setSoTimeout((int) Math.max(1, remaining));
			try {
				if (in.read(buffer) == -1) {
					return true;
				}
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (SocketException ex) {
				// reset by the server
				return true;
			}
		}
	}

	/**
	 * Writes the bytes of a text in pieces at a fixed interval, on a thread of its own,
	 * until the text is sent, the server closes the connection, or it is stopped.
	 */
	static final class Trickle implements AutoCloseable {

		private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

		private final AtomicInteger sent = new AtomicInteger();

		Trickle(Socket socket, List<String> pieces, Duration interval) {
			this.executor.scheduleAtFixedRate(() -> {
				int next = this.sent.get();
				if (next >= pieces.size()) {
					return;
				}
				try {
					send(socket, pieces.get(next));
					this.sent.incrementAndGet();
				}
				catch (IOException ex) {
					this.executor.shutdown();
				}
			}, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
		}

		/**
		 * A text one byte a piece.
		 */
		static List<String> bytes(String text) {
			return text.chars().mapToObj((c) -> String.valueOf((char) c)).toList();
		}

		int sent() {
			return this.sent.get();
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

}
