package dev.evstream.bench.loadgen;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Asks the server to publish from a timer of its own, {@code POST /timer} (see the
 * servers' {@code TimerRequest}), and takes what the server answers as the outcome: the
 * messages it sent, the sends that succeeded, and how late its timer got. The server puts
 * the load generator's payloads in the messages, with its own {@link System#nanoTime()}
 * at the send, the same clock on one Linux machine, so latency is measured as with the
 * other publishers.
 *
 * @since 0.1.0
 */
final class TimerPublisher implements Publisher {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final String base;

	private final String channel;

	private final @Nullable String state;

	private final long runId;

	private final int payload;

	TimerPublisher(InetSocketAddress server, String channel, @Nullable String state, long runId, int payload) {
		this.base = "http://" + server.getHostString() + ":" + server.getPort() + "/timer";
		this.channel = channel;
		this.state = state;
		this.runId = runId;
		this.payload = payload;
	}

	/**
	 * Returns the query of a timer request.
	 * @param count the number of messages
	 * @param rate the messages per second
	 * @param measured whether they are in the measured window
	 * @param first the sequence number of the first
	 * @return the query, without {@code ?}
	 */
	String query(int count, double rate, boolean measured, long first) {
		return "channel=" + URLEncoder.encode(this.channel, StandardCharsets.UTF_8) + "&rate=" + rate + "&count="
				+ count + "&payload=" + this.payload + "&run=" + Long.toHexString(this.runId) + "&measured=" + measured
				+ "&first=" + first
				+ ((this.state != null) ? "&state=" + URLEncoder.encode(this.state, StandardCharsets.UTF_8) : "");
	}

	@Override
	public CompletableFuture<PublishOutcome> run(int count, double rate, boolean measured, long first) {
		Duration timeout = Duration.ofMillis((long) (count / rate * 3000) + 60_000);
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.base + "?" + query(count, rate, measured, first)))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(timeout)
			.build();
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"POST /timer answered " + response.statusCode() + ": " + response.body());
			}
			return outcome(response.body());
		});
	}

	/**
	 * Reads the answer of {@code POST /timer}.
	 * @param text {@code name=value} lines
	 * @return the outcome
	 */
	static PublishOutcome outcome(String text) {
		Properties values = new Properties();
		try {
			values.load(new StringReader(text));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return new PublishOutcome(Integer.parseInt(values.getProperty("sent")),
				Integer.parseInt(values.getProperty("accepted")), Long.parseLong(values.getProperty("maxLagNanos")),
				Long.parseLong(values.getProperty("startNanos")), Long.parseLong(values.getProperty("lastSendNanos")));
	}

	@Override
	public int connections() {
		return 1;
	}

	@Override
	public void close() {
	}

}
