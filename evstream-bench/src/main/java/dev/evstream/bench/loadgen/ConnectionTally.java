package dev.evstream.bench.loadgen;

import java.util.BitSet;

/**
 * What one connection received: which measured sequence numbers, how many twice, and how
 * many warm-up or foreign payloads. Touched only by the I/O thread of its connection.
 *
 * @since 0.1.0
 */
public final class ConnectionTally {

	private final BitSet seen = new BitSet();

	private final boolean stalled;

	private final int group;

	private long delivered;

	private long duplicates;

	private long warmUp;

	private long foreign;

	private long events;

	private boolean ended;

	ConnectionTally(boolean stalled, int group) {
		this.stalled = stalled;
		this.group = group;
	}

	/**
	 * Returns the group of the connection: the index of the server port it connected to.
	 * @return the group
	 */
	public int group() {
		return this.group;
	}

	/**
	 * Returns whether this connection is the one that never reads, kept out of the main
	 * figures.
	 * @return whether it is stalled
	 */
	public boolean stalled() {
		return this.stalled;
	}

	/**
	 * Counts one measured message; a sequence seen before is a duplicate.
	 * @param sequence the sequence number
	 * @return whether it was new
	 */
	boolean measured(int sequence) {
		if (this.seen.get(sequence)) {
			this.duplicates++;
			return false;
		}
		this.seen.set(sequence);
		this.delivered++;
		return true;
	}

	void warmUp() {
		this.warmUp++;
	}

	void foreign() {
		this.foreign++;
	}

	void event() {
		this.events++;
	}

	void ended() {
		this.ended = true;
	}

	/**
	 * Returns the distinct measured messages received.
	 * @return the count
	 */
	public long delivered() {
		return this.delivered;
	}

	/**
	 * Returns the measured messages received more than once, counting each repeat.
	 * @return the count
	 */
	public long duplicates() {
		return this.duplicates;
	}

	/**
	 * Returns the warm-up messages received.
	 * @return the count
	 */
	public long warmUpCount() {
		return this.warmUp;
	}

	/**
	 * Returns the payloads of another run, or out of the measured range.
	 * @return the count
	 */
	public long foreignCount() {
		return this.foreign;
	}

	/**
	 * Returns every event dispatched on this connection, payload or not.
	 * @return the count
	 */
	public long events() {
		return this.events;
	}

	/**
	 * Returns whether the server ended the stream with {@code event: end}.
	 * @return whether {@code end} was received
	 */
	public boolean endReceived() {
		return this.ended;
	}

}
