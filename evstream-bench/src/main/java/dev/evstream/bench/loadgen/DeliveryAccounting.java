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

	private final Part all = new Part();

	/**
	 * The deliveries of each group of connections (one per server port), by group.
	 */
	private final List<Part> groups = new ArrayList<>();

	private int window;

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
		return connection(stalled, 0);
	}

	/**
	 * Adds a connection of a group, such as the connections to one of several servers,
	 * whose figures are also summed up apart.
	 * @param stalled whether it is a connection that never reads
	 * @param group the group, from 0
	 * @return its tally
	 */
	public ConnectionTally connection(boolean stalled, int group) {
		while (this.groups.size() <= group) {
			this.groups.add(new Part());
		}
		ConnectionTally tally = new ConnectionTally(stalled, group);
		this.connections.add(tally);
		return tally;
	}

	/**
	 * Returns the number of groups of connections.
	 * @return the groups, at least one once a connection is added
	 */
	public int groups() {
		return this.groups.size();
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
			long latency = receivedNanos - payload.sentNanos();
			this.all.delivered(latency, receivedNanos);
			this.groups.get(tally.group()).delivered(latency, receivedNanos);
		}
	}

	/**
	 * Returns the distinct measured deliveries to connections that read.
	 * @return the count
	 */
	public long delivered() {
		return this.all.delivered;
	}

	/**
	 * Returns the clock at the latest delivery.
	 * @return the clock, zero before any
	 */
	public long lastDeliveryNanos() {
		return this.all.lastDeliveryNanos;
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
		return summary(accepted, -1, this.all);
	}

	/**
	 * Sums up the window for the connections of one group that read.
	 * @param accepted the number of measured messages the server accepted
	 * @param group the group
	 * @return the summary
	 */
	public Summary summary(long accepted, int group) {
		return summary(accepted, group, this.groups.get(group));
	}

	private Summary summary(long accepted, int group, Part part) {
		long clients = 0;
		long duplicates = 0;
		long foreign = 0;
		long complete = 0;
		for (ConnectionTally tally : this.connections) {
			if (tally.stalled() || (group >= 0 && tally.group() != group)) {
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
		double ratio = (expected == 0) ? 0 : (double) part.delivered / expected;
		return new Summary(clients, expected, part.delivered, ratio, duplicates, foreign, complete,
				part.latency.percentile(50), part.latency.percentile(99), part.latency.percentile(99.9),
				part.latency.max(), part.firstDeliveryNanos, part.lastDeliveryNanos);
	}

	/**
	 * The measured deliveries of all connections or of one group.
	 */
	private static final class Part {

		private final LatencyHistogram latency = new LatencyHistogram();

		private long delivered;

		private long firstDeliveryNanos;

		private long lastDeliveryNanos;

		void delivered(long latencyNanos, long receivedNanos) {
			this.latency.record(latencyNanos);
			if (this.delivered++ == 0) {
				this.firstDeliveryNanos = receivedNanos;
			}
			this.lastDeliveryNanos = receivedNanos;
		}

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
