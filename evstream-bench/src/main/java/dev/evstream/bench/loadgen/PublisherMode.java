package dev.evstream.bench.loadgen;

import java.util.Locale;

/**
 * How the load generator publishes, option {@code --publisher}.
 *
 * @since 0.1.0
 */
enum PublisherMode {

	/**
	 * Open loop over a pool of keep-alive connections that grows while answers are late
	 * ({@link OpenLoopPublisher}): events reach the server in bursts.
	 */
	BURST(64),

	/**
	 * One event at a time over a few connections, one request in flight on each
	 * ({@link PacedPublisher}).
	 */
	PACED(4),

	/**
	 * From a timer inside the server ({@link TimerPublisher}).
	 */
	TIMER(1);

	private final int defaultConnections;

	PublisherMode(int defaultConnections) {
		this.defaultConnections = defaultConnections;
	}

	/**
	 * Returns the connections of the publisher unless {@code --publish-connections} says
	 * otherwise.
	 * @return the default
	 */
	int defaultConnections() {
		return this.defaultConnections;
	}

	/**
	 * Returns the name used on the command line and in the results.
	 * @return the name, lower case
	 */
	String label() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Reads the option.
	 * @param text {@code burst}, {@code paced} or {@code timer}
	 * @return the mode
	 * @throws IllegalArgumentException if the text names no mode
	 */
	static PublisherMode of(String text) {
		for (PublisherMode mode : values()) {
			if (mode.label().equals(text)) {
				return mode;
			}
		}
		throw new IllegalArgumentException("--publisher is burst, paced or timer, but got '" + text + "'");
	}

}
