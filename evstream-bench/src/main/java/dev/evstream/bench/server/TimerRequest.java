package dev.evstream.bench.server;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /timer} asks a server to publish from a timer of its own:
 * {@code count} messages to {@code channel} at {@code rate} per second, each a payload of
 * {@code payload} bytes in the load generator's format, for run {@code run} (hex), in the
 * measured phase unless {@code measured=false}, numbered from {@code first}.
 *
 * @param channel the channel
 * @param rate the messages per second
 * @param count the number of messages
 * @param payload the size of each body in bytes
 * @param run the load generator's run id
 * @param measured whether the messages are in the measured window
 * @param first the sequence number of the first message
 * @since 0.1.0
 */
public record TimerRequest(String channel, double rate, int count, int payload, long run, boolean measured,
		long first) {

	/**
	 * Reads the request from its query parameters.
	 * @param parameters the value of a parameter, or {@code null} when absent
	 * @return the request
	 * @throws IllegalArgumentException if a parameter is missing or malformed
	 */
	public static TimerRequest of(Function<String, @Nullable String> parameters) {
		String rate = required(parameters, "rate");
		String count = required(parameters, "count");
		String payload = parameters.apply("payload");
		String measured = parameters.apply("measured");
		String first = parameters.apply("first");
		TimerRequest request = new TimerRequest(required(parameters, "channel"), Double.parseDouble(rate),
				Integer.parseInt(count), (payload != null) ? Integer.parseInt(payload) : 256,
				Long.parseUnsignedLong(required(parameters, "run"), 16), !"false".equals(measured),
				(first != null) ? Long.parseLong(first) : 0);
		if (!(request.rate > 0) || request.count < 0) {
			throw new IllegalArgumentException("rate must be positive and count not negative");
		}
		return request;
	}

	private static String required(Function<String, @Nullable String> parameters, String name) {
		String value = parameters.apply(name);
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("Missing parameter " + name);
		}
		return value;
	}

}
