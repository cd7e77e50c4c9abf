package dev.evstream.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * A raw HTTP/1.1 client for SSE endpoints, for tests: it writes the request on a plain
 * socket, reads the status line and headers itself, decodes chunked transfer encoding,
 * and feeds the bytes to an {@link SseParser}. Nothing between the server's bytes and the
 * parser interprets them, so what the tests see is what a browser would.
 * <p>
 * A background thread reads the socket; the methods are thread-safe.
 *
 * @since 0.1.0
 */
public final class SseTestClient implements AutoCloseable {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final Object monitor = new Object();

	private final List<SseEvent> events = new ArrayList<>();

	private final ByteArrayOutputStream raw = new ByteArrayOutputStream();

	private final SseParser parser = new SseParser(this::onEvent);

	private final CountDownLatch headersRead = new CountDownLatch(1);

	private final CountDownLatch finished = new CountDownLatch(1);

	private int status;

	private final Map<String, String> headers = new LinkedHashMap<>();

	private @Nullable IOException failure;

	private volatile boolean closedByUs;

	private final Consumer<SseEvent> listener;

	private SseTestClient(Socket socket, Consumer<SseEvent> listener) {
		this.socket = socket;
		this.listener = listener;
	}

	/**
	 * Opens a connection and sends {@code GET path}.
	 * @param port the server port on localhost
	 * @param path the path and query
	 * @return the client, reading in the background
	 */
	public static SseTestClient get(int port, String path) {
		return get("127.0.0.1", port, path, Map.of());
	}

	/**
	 * Opens a connection and sends {@code GET path} with extra headers.
	 * @param host the server host
	 * @param port the server port
	 * @param path the path and query
	 * @param requestHeaders extra request headers
	 * @return the client, reading in the background
	 */
	public static SseTestClient get(String host, int port, String path, Map<String, String> requestHeaders) {
		return get(host, port, path, requestHeaders, (event) -> {
		});
	}

	/**
	 * Opens a connection and sends {@code GET path} with extra headers, handing each
	 * event to a listener as it is dispatched, on the reading thread, before it is
	 * visible to {@link #events()}.
	 * @param host the server host
	 * @param port the server port
	 * @param path the path and query
	 * @param requestHeaders extra request headers
	 * @param listener called with each event, in order
	 * @return the client, reading in the background
	 */
	public static SseTestClient get(String host, int port, String path, Map<String, String> requestHeaders,
			Consumer<SseEvent> listener) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			StringBuilder request = new StringBuilder();
			request.append("GET ").append(path).append(" HTTP/1.1\r\n");
			request.append("Host: ").append(host).append(':').append(port).append("\r\n");
			request.append("Accept: text/event-stream\r\n");
			requestHeaders.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
			request.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			SseTestClient client = new SseTestClient(socket, listener);
			Thread reader = new Thread(client::read, "sse-test-client-" + port);
			reader.setDaemon(true);
			reader.start();
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Waits for the status line and headers.
	 * @return the status code
	 */
	public int status() {
		await(this.headersRead, Duration.ofSeconds(10), "response headers");
		synchronized (this.monitor) {
			return this.status;
		}
	}

	/**
	 * Returns a response header, waiting for the headers first.
	 * @param name the header name, in any case
	 * @return the value, or {@code null}
	 */
	public @Nullable String header(String name) {
		status();
		synchronized (this.monitor) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}
	}

	/**
	 * Returns the events dispatched so far.
	 * @return a copy of the events
	 */
	public List<SseEvent> events() {
		synchronized (this.monitor) {
			return List.copyOf(this.events);
		}
	}

	/**
	 * Returns the events of one type dispatched so far.
	 * @param type the event type
	 * @return the events
	 */
	public List<SseEvent> events(String type) {
		return events().stream().filter((event) -> event.event().equals(type)).toList();
	}

	/**
	 * Waits until the events dispatched so far satisfy a condition.
	 * @param condition the condition on all events so far
	 * @param timeout how long to wait
	 * @return the events at that moment
	 * @throws AssertionError if the condition is not met in time
	 */
	public List<SseEvent> awaitEvents(Predicate<List<SseEvent>> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.monitor) {
			while (true) {
				if (condition.test(this.events)) {
					return List.copyOf(this.events);
				}
				if (this.finished.getCount() == 0) {
					throw new AssertionError("Stream ended before the condition was met; events: " + this.events);
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError("Condition not met within " + timeout + "; events: " + this.events);
				}
				try {
					this.monitor.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new AssertionError("Interrupted", ex);
				}
			}
		}
	}

	/**
	 * Waits for the first event of a type (returns at once if it already came).
	 * @param type the event type
	 * @param timeout how long to wait
	 * @return the first event of that type
	 */
	public SseEvent awaitEvent(String type, Duration timeout) {
		return awaitCount(type, 1, timeout).get(0);
	}

	/**
	 * Waits until at least {@code count} events of a type were dispatched.
	 * @param type the event type
	 * @param count how many
	 * @param timeout how long to wait
	 * @return the events of that type
	 */
	public List<SseEvent> awaitCount(String type, int count, Duration timeout) {
		awaitEvents((list) -> count(list, type) >= count, timeout);
		return events(type);
	}

	private static long count(List<SseEvent> events, String type) {
		return events.stream().filter((event) -> event.event().equals(type)).count();
	}

	/**
	 * Waits until the server ends the response.
	 * @param timeout how long to wait
	 * @return whether it ended in time
	 */
	public boolean awaitEnd(Duration timeout) {
		try {
			return this.finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Returns whether the server ended the response (or the connection).
	 * @return whether reading is over
	 */
	public boolean isEnded() {
		return this.finished.getCount() == 0;
	}

	/**
	 * Returns the body bytes read so far (after transfer decoding) as UTF-8 text.
	 * @return the body
	 */
	public String body() {
		synchronized (this.monitor) {
			return this.raw.toString(StandardCharsets.UTF_8);
		}
	}

	/**
	 * Waits for the end of the response and returns its whole body.
	 * @param timeout how long to wait
	 * @return the body
	 */
	public String awaitBody(Duration timeout) {
		if (!awaitEnd(timeout)) {
			throw new AssertionError("Response did not end within " + timeout + "; body so far: " + body());
		}
		return body();
	}

	/**
	 * Returns the last event id, as an {@code EventSource} would send it when it
	 * reconnects.
	 * @return the last event id
	 */
	public String lastEventId() {
		synchronized (this.monitor) {
			return this.parser.lastEventId();
		}
	}

	/**
	 * Returns the {@code retry} values received.
	 * @return the reconnection times in milliseconds
	 */
	public List<Long> retries() {
		synchronized (this.monitor) {
			return this.parser.retries();
		}
	}

	/**
	 * Closes the connection, as a client that goes away.
	 */
	@Override
	public void close() {
		this.closedByUs = true;
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	private void onEvent(SseEvent event) {
		this.listener.accept(event);
		this.events.add(event);
		this.monitor.notifyAll();
	}

	private void read() {
		try (InputStream in = this.socket.getInputStream()) {
			HttpInput input = new HttpInput(in);
			String statusLine = input.readLine();
			if (statusLine == null) {
				throw new IOException("Connection closed before the status line");
			}
			int code = Integer.parseInt(statusLine.split(" ", 3)[1]);
			Map<String, String> read = new LinkedHashMap<>();
			String line;
			while ((line = input.readLine()) != null && !line.isEmpty()) {
				int colon = line.indexOf(':');
				read.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
			}
			synchronized (this.monitor) {
				this.status = code;
				this.headers.putAll(read);
			}
			this.headersRead.countDown();
			if ("chunked".equalsIgnoreCase(read.get("transfer-encoding"))) {
				readChunked(input);
			}
			else if (read.containsKey("content-length")) {
				readFixed(input, Long.parseLong(read.get("content-length")));
			}
			else {
				readToEnd(input);
			}
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closedByUs) {
				synchronized (this.monitor) {
					this.failure = (ex instanceof IOException io) ? io : new IOException(ex);
				}
			}
		}
		finally {
			this.headersRead.countDown();
			this.finished.countDown();
			synchronized (this.monitor) {
				this.monitor.notifyAll();
			}
		}
	}

	/**
	 * Returns the error that stopped reading, other than a close by this client.
	 * @return the failure, or {@code null}
	 */
	public @Nullable IOException failure() {
		synchronized (this.monitor) {
			return this.failure;
		}
	}

	private void readChunked(HttpInput input) throws IOException {
		while (true) {
			String sizeLine = input.readLine();
			if (sizeLine == null) {
				return;
			}
			int semicolon = sizeLine.indexOf(';');
			int size = Integer.parseInt((semicolon < 0) ? sizeLine.trim() : sizeLine.substring(0, semicolon).trim(),
					16);
			if (size == 0) {
				input.readLine();
				return;
			}
			byte[] chunk = input.readExactly(size);
			deliver(chunk, chunk.length);
			input.readLine();
		}
	}

	private void readFixed(HttpInput input, long length) throws IOException {
		byte[] buffer = new byte[8192];
		long left = length;
		while (left > 0) {
			int n = input.read(buffer, (int) Math.min(buffer.length, left));
			if (n < 0) {
				return;
			}
			deliver(buffer, n);
			left -= n;
		}
	}

	private void readToEnd(HttpInput input) throws IOException {
		byte[] buffer = new byte[8192];
		int n;
		while ((n = input.read(buffer, buffer.length)) >= 0) {
			deliver(buffer, n);
		}
	}

	private void deliver(byte[] bytes, int length) {
		synchronized (this.monitor) {
			this.raw.write(bytes, 0, length);
			this.parser.feed(bytes, 0, length);
			this.monitor.notifyAll();
		}
	}

	private static void await(CountDownLatch latch, Duration timeout, String what) {
		try {
			if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError("No " + what + " within " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Buffered reading of header lines and body bytes from one stream.
	 */
	private static final class HttpInput {

		private final InputStream in;

		private final byte[] buffer = new byte[16384];

		private int position;

		private int limit;

		HttpInput(InputStream in) {
			this.in = in;
		}

		@Nullable String readLine() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			while (true) {
				if (this.position == this.limit && !fill()) {
					return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
				}
				byte b = this.buffer[this.position++];
				if (b == '\n') {
					String text = line.toString(StandardCharsets.ISO_8859_1);
					return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
				}
				line.write(b);
			}
		}

		byte[] readExactly(int size) throws IOException {
			byte[] out = new byte[size];
			int read = 0;
			while (read < size) {
				int n = read(out, read, size - read);
				if (n < 0) {
					throw new IOException("Connection closed inside a chunk");
				}
				read += n;
			}
			return out;
		}

		int read(byte[] target, int length) throws IOException {
			return read(target, 0, length);
		}

		private int read(byte[] target, int offset, int length) throws IOException {
			if (this.position == this.limit && !fill()) {
				return -1;
			}
			int n = Math.min(length, this.limit - this.position);
			System.arraycopy(this.buffer, this.position, target, offset, n);
			this.position += n;
			return n;
		}

		private boolean fill() throws IOException {
			int n = this.in.read(this.buffer);
			if (n < 0) {
				return false;
			}
			this.position = 0;
			this.limit = n;
			return true;
		}

	}

}
