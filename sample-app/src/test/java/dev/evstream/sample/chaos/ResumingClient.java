package dev.evstream.sample.chaos;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.jspecify.annotations.Nullable;

/**
 * A client that reads {@code counter} and {@code chat} as a browser's {@code EventSource}
 * would: when its stream ends (its replica was killed, or said {@code end}), it connects
 * again, to the next live replica, with the last event id it received as
 * {@code Last-Event-ID}. It records every event it is given, when it was given, and on
 * which connection.
 */
final class ResumingClient implements AutoCloseable {

	private static final Pattern COUNTER = Pattern.compile("^\\{\"value\":(-?\\d+),\"version\":\\d+}$");

	private static final Pattern CHANNEL = Pattern.compile("\"channel\":\"([^\"]*)\"");

	private static final Pattern TEXT = Pattern.compile("\"text\":\"([^\"]*)\"");

	private static final Duration RECONNECT_DELAY = Duration.ofMillis(100);

	private final String name;

	private final Supplier<List<ReplicaProcess>> replicas;

	private final Object monitor = new Object();

	private final List<Received> received = new ArrayList<>();

	private final List<String> connections = new ArrayList<>();

	private final List<String> failures = new ArrayList<>();

	private final Thread thread;

	private final @Nullable Duration restless;

	private volatile @Nullable SseTestClient current;

	private volatile boolean closed;

	private int next;

	private String lastEventId = "";

	/**
	 * One event as this client received it.
	 *
	 * @param event the event
	 * @param nanos when it was dispatched ({@link System#nanoTime()})
	 * @param connection the connection it came on, from 1
	 */
	record Received(SseEvent event, long nanos, int connection) {

	}

	/**
	 * Creates a client.
	 * @param name its name in the figures
	 * @param replicas the replicas, live or not
	 * @param first the index of the live replica to connect to first
	 * @param restless when set, the client also drops its connection after this long and
	 * resumes on the next replica, as a browser on a flaky network would
	 */
	ResumingClient(String name, Supplier<List<ReplicaProcess>> replicas, int first, @Nullable Duration restless) {
		this.name = name;
		this.replicas = replicas;
		this.next = first;
		this.restless = restless;
		this.thread = new Thread(this::run, "chaos-client-" + name);
		this.thread.setDaemon(true);
	}

	ResumingClient start() {
		this.thread.start();
		return this;
	}

	String name() {
		return this.name;
	}

	boolean isRestless() {
		return this.restless != null;
	}

	private void run() {
		while (!this.closed) {
			List<ReplicaProcess> live = ReplicaProcess.live(this.replicas.get());
			if (live.isEmpty()) {
				pause();
				continue;
			}
			ReplicaProcess replica = live.get(Math.floorMod(this.next, live.size()));
			int connection;
			synchronized (this.monitor) {
				connection = this.connections.size() + 1;
			}
			SseTestClient client;
			try {
				Map<String, String> headers = this.lastEventId.isEmpty() ? Map.of()
						: Map.of("Last-Event-ID", this.lastEventId);
				client = SseTestClient.get("127.0.0.1", replica.port(), "/evstream?channels=counter,chat", headers,
						(event) -> record(event, connection));
			}
			catch (UncheckedIOException ex) {
				failed(replica + ": " + ex.getMessage());
				this.next++;
				pause();
				continue;
			}
			this.current = client;
			try {
				int status = client.status();
				if (status != 200) {
					failed(replica + ": status " + status + " " + client.awaitBody(Duration.ofSeconds(5)));
				}
				else {
					synchronized (this.monitor) {
						this.connections.add(replica.name());
					}
					long opened = System.nanoTime();
					while (!this.closed && !client.awaitEnd(Duration.ofMillis(100))) {
						if (this.restless != null && System.nanoTime() - opened >= this.restless.toNanos()) {
							break;
						}
					}
				}
			}
			catch (AssertionError ex) {
				failed(replica + ": " + ex.getMessage());
			}
			finally {
				client.close();
				// the reader may still dispatch what it had read before the close: the id
				// to resume from is known once it stopped
				if (!client.awaitEnd(Duration.ofSeconds(10))) {
					failed(replica + ": the reader did not stop within 10 s of the close");
				}
				// the id of the last complete event: a stream cut inside one resumes
				// before it
				String id = client.lastEventId();
				if (!id.isEmpty()) {
					this.lastEventId = id;
				}
			}
			if (!this.closed) {
				this.next++;
				pause();
			}
		}
	}

	private void failed(String what) {
		synchronized (this.monitor) {
			this.failures.add(what);
		}
	}

	private void pause() {
		try {
			Thread.sleep(RECONNECT_DELAY.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.closed = true;
		}
	}

	private void record(SseEvent event, int connection) {
		synchronized (this.monitor) {
			this.received.add(new Received(event, System.nanoTime(), connection));
		}
	}

	List<Received> received() {
		synchronized (this.monitor) {
			return List.copyOf(this.received);
		}
	}

	/**
	 * Returns the replicas this client streamed from, in order.
	 */
	List<String> connections() {
		synchronized (this.monitor) {
			return List.copyOf(this.connections);
		}
	}

	List<String> failures() {
		synchronized (this.monitor) {
			return List.copyOf(this.failures);
		}
	}

	/**
	 * Returns whether the client has received the counter's snapshot on some connection.
	 */
	boolean hasCounter() {
		return lastCounter() != null;
	}

	/**
	 * Returns the counter value of the last {@code counter} event, or {@code null}.
	 */
	@Nullable Integer lastCounter() {
		List<Received> all = received();
		for (int i = all.size() - 1; i >= 0; i--) {
			SseEvent event = all.get(i).event();
			if (event.event().equals("counter")) {
				Matcher matcher = COUNTER.matcher(event.data());
				return matcher.matches() ? Integer.valueOf(matcher.group(1)) : null;
			}
		}
		return null;
	}

	static @Nullable String chatText(SseEvent event) {
		Matcher matcher = TEXT.matcher(event.data());
		return matcher.find() ? matcher.group(1) : null;
	}

	static @Nullable String resetChannel(SseEvent event) {
		Matcher matcher = CHANNEL.matcher(event.data());
		return matcher.find() ? matcher.group(1) : null;
	}

	@Override
	public void close() {
		this.closed = true;
		SseTestClient client = this.current;
		if (client != null) {
			client.close();
		}
		try {
			this.thread.join(Duration.ofSeconds(5).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
