package dev.evstream.sample.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Writers that go through the replicas' HTTP API, round robin over the live ones: counter
 * writers {@code POST /api/counter/increment}, chat writers {@code POST
 * /api/chat} with numbered, unique texts. Every write is recorded with its outcome: a
 * {@code 2xx} is acknowledged and must be applied; anything else (an error status, a
 * timeout, a connection reset) may or may not have been applied.
 */
final class Writers implements AutoCloseable {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private static final Pattern VALUE = Pattern.compile("\"value\":(-?\\d+)");

	/**
	 * Time between two writes of one writer, so that the load stays well within two
	 * shared cores; it paces the writers and synchronises nothing.
	 */
	private static final Duration PACE = Duration.ofMillis(25);

	enum Kind {

		INCREMENT, CHAT

	}

	/**
	 * One write and its outcome.
	 *
	 * @param kind what it was
	 * @param text the chat text, empty for an increment
	 * @param replica the replica it was sent to
	 * @param sent when it was sent ({@link System#nanoTime()})
	 * @param answered when the outcome was known
	 * @param status the HTTP status, or -1 when there was no answer
	 * @param value the counter value an acknowledged increment answered, else
	 * {@code null}
	 * @param detail what a failed write was answered or failed with, else empty
	 */
	record Write(Kind kind, String text, String replica, long sent, long answered, int status, @Nullable Integer value,
			String detail) {

		boolean acknowledged() {
			return this.status >= 200 && this.status < 300;
		}

	}

	private final String scenario;

	private final Supplier<List<ReplicaProcess>> replicas;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final Object monitor = new Object();

	private final List<Write> writes = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopped;

	Writers(String scenario, Supplier<List<ReplicaProcess>> replicas) {
		this.scenario = scenario;
		this.replicas = replicas;
	}

	Writers start(int incrementers, int chatters) {
		for (int i = 0; i < incrementers; i++) {
			int writer = i;
			this.threads.add(new Thread(() -> write(Kind.INCREMENT, writer), "chaos-increment-" + i));
		}
		for (int i = 0; i < chatters; i++) {
			int writer = i;
			this.threads.add(new Thread(() -> write(Kind.CHAT, writer), "chaos-chat-" + i));
		}
		this.threads.forEach((thread) -> {
			thread.setDaemon(true);
			thread.start();
		});
		return this;
	}

	private void write(Kind kind, int writer) {
		int n = 0;
		while (!this.stopped) {
			List<ReplicaProcess> live = ReplicaProcess.live(this.replicas.get());
			if (live.isEmpty()) {
				pause();
				continue;
			}
			ReplicaProcess replica = live.get(Math.floorMod(n + writer, live.size()));
			n++;
			String text = (kind == Kind.CHAT) ? this.scenario + "-w" + writer + "-" + n : "";
			HttpRequest request = request(kind, writer, replica, text);
			long sent = System.nanoTime();
			int status;
			Integer value = null;
			String detail = "";
			try {
				HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
				status = response.statusCode();
				Matcher matcher = VALUE.matcher(response.body());
				if (kind == Kind.INCREMENT && status == 200 && matcher.find()) {
					value = Integer.valueOf(matcher.group(1));
				}
				if (status < 200 || status >= 300) {
					detail = response.body();
				}
			}
			catch (IOException ex) {
				status = -1;
				detail = ex.toString();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				status = -1;
				this.stopped = true;
			}
			synchronized (this.monitor) {
				this.writes.add(new Write(kind, text, replica.name(), sent, System.nanoTime(), status, value, detail));
				this.monitor.notifyAll();
			}
			pause();
		}
	}

	private static HttpRequest request(Kind kind, int writer, ReplicaProcess replica, String text) {
		String base = "http://127.0.0.1:" + replica.port();
		if (kind == Kind.INCREMENT) {
			return HttpRequest.newBuilder(URI.create(base + "/api/counter/increment"))
				.timeout(REQUEST_TIMEOUT)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.noBody())
				.build();
		}
		String body = "{\"user\":\"w" + writer + "\",\"text\":\"" + text + "\"}";
		return HttpRequest.newBuilder(URI.create(base + "/api/chat"))
			.timeout(REQUEST_TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private void pause() {
		try {
			Thread.sleep(PACE.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stopped = true;
		}
	}

	List<Write> writes() {
		synchronized (this.monitor) {
			return List.copyOf(this.writes);
		}
	}

	/**
	 * Counts the writes, so far, that match a condition.
	 */
	long count(Predicate<Write> condition) {
		synchronized (this.monitor) {
			return this.writes.stream().filter(condition).count();
		}
	}

	/**
	 * Stops writing and waits for the writes in flight to be answered.
	 */
	@Override
	public void close() {
		this.stopped = true;
		for (Thread thread : this.threads) {
			try {
				thread.join(REQUEST_TIMEOUT.plusSeconds(5).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
