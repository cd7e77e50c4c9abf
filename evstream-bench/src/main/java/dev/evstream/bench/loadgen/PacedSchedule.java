package dev.evstream.bench.loadgen;

/**
 * The timetable of the paced publisher: message {@code n} is due at
 * {@code start + n / rate} and goes on connection {@code n mod connections}, and a
 * message sent after its time is late by the difference.
 *
 * @since 0.1.0
 */
final class PacedSchedule {

	private final long startNanos;

	private final double nanosPerMessage;

	private final int connections;

	private long maxLagNanos;

	PacedSchedule(long startNanos, double rate, int connections) {
		if (!(rate > 0) || connections < 1) {
			throw new IllegalArgumentException("The rate must be positive and there must be a connection");
		}
		this.startNanos = startNanos;
		this.nanosPerMessage = 1e9 / rate;
		this.connections = connections;
	}

	long startNanos() {
		return this.startNanos;
	}

	long dueNanos(int message) {
		return this.startNanos + (long) (message * this.nanosPerMessage);
	}

	int connection(int message) {
		return message % this.connections;
	}

	/**
	 * Records that a message was sent.
	 * @param message the message
	 * @param nowNanos the clock when it was sent
	 * @return how late it was, zero if on time
	 */
	long sent(int message, long nowNanos) {
		long lag = Math.max(0, nowNanos - dueNanos(message));
		this.maxLagNanos = Math.max(this.maxLagNanos, lag);
		return lag;
	}

	long maxLagNanos() {
		return this.maxLagNanos;
	}

}
