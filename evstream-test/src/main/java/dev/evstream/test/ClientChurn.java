package dev.evstream.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Clients that open streams on random channels and go away at random instants, over raw
 * sockets: reset 0-5 ms after the request (before the response head), after the status
 * line, after {@code connected}, or in the middle of the response head; some resume with
 * an id the server did not write. What a server must survive without keeping anything.
 *
 * @since 0.1.0
 */
public final class ClientChurn {

	private static final int SOCKET_TIMEOUT = 10_000;

	private ClientChurn() {
	}

	/**
	 * Runs clients against an SSE endpoint and returns once all have gone.
	 * @param host the server's host
	 * @param port the server's port
	 * @param path the endpoint path and query start, such as {@code /evstream?token=t}
	 * @param clients how many clients in all
	 * @param concurrency how many at once
	 * @param timeout the longest the whole run may take
	 */
	public static void run(String host, int port, String path, int clients, int concurrency, Duration timeout) {
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				int client = i;
				running.add(pool.submit(() -> {
					leave(host, port, path, client);
					return null;
				}));
			}
			long deadline = System.nanoTime() + timeout.toNanos();
			for (Future<?> client : running) {
				client.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("A churning client failed", ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Returns a query of random channel names, {@code channel=…&channel=…}.
	 * @param count the number of channels
	 * @return the query, without a leading separator
	 */
	public static String randomChannels(int count) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		StringBuilder query = new StringBuilder();
		for (int i = 0; i < count; i++) {
			query.append((i > 0) ? "&" : "")
				.append("channel=c")
				.append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36));
		}
		return query.toString();
	}

	private static void leave(String host, int port, String path, int client) throws IOException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String lastEventId = (client % 7 == 0) ? "garbage-" + client : null;
		String target = path + (path.contains("?") ? "&" : "?") + randomChannels(1 + random.nextInt(32));
		try (Socket socket = request(host, port, target, lastEventId)) {
			InputStream in = socket.getInputStream();
			switch (client % 5) {
				case 0 -> {
					sleepQuietly(random.nextInt(6));
					socket.setSoLinger(true, 0);
				}
				case 1 -> readUntil(in, "HTTP/1.1 ");
				case 2 -> readUntil(in, "event: connected");
				// within the response head, which is longer
				case 3 -> readBytes(in, random.nextInt(1, 120));
				default -> {
					readUntil(in, "event: connected");
					socket.setSoLinger(true, 0);
				}
			}
		}
	}

	/**
	 * Sends a stream request on a new socket; {@code Connection: close} so that a refusal
	 * ends the connection.
	 * @param host the server's host
	 * @param port the server's port
	 * @param target the request target
	 * @param lastEventId the id to resume from, or {@code null}
	 * @return the socket, with the request sent
	 * @throws IOException if the request cannot be sent
	 */
	public static Socket request(String host, int port, String target, @Nullable String lastEventId)
			throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT);
		socket.setSoTimeout(SOCKET_TIMEOUT);
		String request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
				+ ((lastEventId != null) ? "Last-Event-ID: " + lastEventId + "\r\n" : "")
				+ "Accept: text/event-stream\r\nConnection: close\r\n\r\n";
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return socket;
	}

	private static void readUntil(InputStream in, String marker) throws IOException {
		StringBuilder seen = new StringBuilder();
		int b;
		while (seen.indexOf(marker) < 0 && (b = in.read()) >= 0) {
			seen.append((char) b);
		}
	}

	private static void readBytes(InputStream in, int count) throws IOException {
		for (int i = 0; i < count && in.read() >= 0; i++) {
			// a client that stops at an arbitrary byte
		}
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new UncheckedIOException(new IOException("interrupted", ex));
		}
	}

}
