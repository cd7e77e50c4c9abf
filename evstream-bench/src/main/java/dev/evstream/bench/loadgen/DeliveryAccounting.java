package dev.evstream.bench.loadgen;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts what every connection received against what was published in the measured
 * window: distinct deliveries, duplicates, and the publish-to-delivery latency on the
 * load generator's own clock. Payloads of another run, or outside the window, are counted
 * apart and never as deliveries. Used from one I/O thread.
 *
 * @since 0.1.0
 */
public final class DeliveryAccounting {

	private final long run;

	private final List<ConnectionTally> connections = new ArrayList<>();

	private final LatencyHistogram latency = new LatencyHistogram();

	private int window;

	private long firstDeliveryNanos;

	private long lastDeliveryNanos;

	private long delivered;

	/**
	 * Creates the accounting of one run.
	 * @param run the run id carried by this run's payloads
	 */
	public DeliveryAccounting(long run) {
		this.run = run;
	}

	/**
	 * Sets the number of messages the measured window publishes, sequence numbers 0 to
	 * {@code messages - 1}.
	 * @param messages the number of messages
	 */
	public void window(int messages) {
		this.window = messages;
	}

	/**
	 * Adds a connection.
	 * @param stalled whether it is a connection that never reads
	 * @return its tally
	 */
	public ConnectionTally connection(boolean stalled) {
		ConnectionTally tally = new ConnectionTally(stalled);
		this.connections.add(tally);
		return tally;
	}

	/**
	 * Counts a payload that a connection received.
	 * @param tally the connection
	 * @param payload the payload
	 * @param receivedNanos the clock when it was parsed
	 */
	public void received(ConnectionTally tally, Payload payload, long receivedNanos) {
		if (payload.run() != this.run) {
			tally.foreign();
			return;
		}
		if (!payload.measured()) {
			tally.warmUp();
			return;
		}
		if (payload.sequence() < 0 || payload.sequence() >= this.window) {
			tally.foreign();
			return;
		}
		if (tally.measured((int) payload.sequence()) && !tally.stalled()) {
			this.latency.record(receivedNanos - payload.sentNanos());
			if (this.delivered++ == 0) {
				this.firstDeliveryNanos = receivedNanos;
			}
			this.lastDeliveryNanos = receivedNanos;
		}
	}

	/**
	 * Returns the distinct measured deliveries to connections that read.
	 * @return the count
	 */
	public long delivered() {
		return this.delivered;
	}

	/**
	 * Returns the clock at the latest delivery.
	 * @return the clock, zero before any
	 */
	public long lastDeliveryNanos() {
		return this.lastDeliveryNanos;
	}

	/**
	 * Returns the connections, in the order they were added.
	 * @return the tallies
	 */
	public List<ConnectionTally> connections() {
		return this.connections;
	}

	/**
	 * Returns how many reading connections received at least one warm-up message, the
	 * sign that their subscription is live.
	 * @return the count
	 */
	public int warmConnections() {
		int warm = 0;
		for (ConnectionTally tally : this.connections) {
			if (!tally.stalled() && tally.warmUpCount() > 0) {
				warm++;
			}
		}
		return warm;
	}

	/**
	 * Sums up the window for the connections that read.
	 * @param accepted the number of measured messages the server accepted
	 * @return the summary
	 */
	public Summary summary(long accepted) {
		long clients = 0;
		long duplicates = 0;
		long foreign = 0;
		long complete = 0;
		for (ConnectionTally tally : this.connections) {
			if (tally.stalled()) {
				continue;
			}
			clients++;
			duplicates += tally.duplicates();
			foreign += tally.foreignCount();
			if (tally.delivered() >= accepted) {
				complete++;
			}
		}
		long expected = clients * accepted;
		double ratio = (expected == 0) ? 0 : (double) this.delivered / expected;
		return new Summary(clients, expected, this.delivered, ratio, duplicates, foreign, complete,
				this.latency.percentile(50), this.latency.percentile(99), this.latency.percentile(99.9),
				this.latency.max(), this.firstDeliveryNanos, this.lastDeliveryNanos);
	}

	/**
	 * The figures of a measured window.
	 *
	 * @param clients the connections that read
	 * @param expected the deliveries expected: clients times accepted messages
	 * @param delivered the distinct deliveries
	 * @param ratio delivered over expected
	 * @param duplicates the repeated deliveries
	 * @param foreign the payloads of other runs or out of the window
	 * @param completeClients the connections that received every message
	 * @param p50Nanos the median latency
	 * @param p99Nanos the 99th percentile of the latency
	 * @param p999Nanos the 99.9th percentile of the latency
	 * @param maxNanos the largest latency
	 * @param firstDeliveryNanos the clock at the first delivery
	 * @param lastDeliveryNanos the clock at the latest delivery
	 */
	public record Summary(long clients, long expected, long delivered, double ratio, long duplicates, long foreign,
			long completeClients, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos, long firstDeliveryNanos,
			long lastDeliveryNanos) {

	}

}
