package dev.evstream.core;

/**
 * One version of a state, encoded once for every listener on this instance:
 * {@code event: <key>} and {@code data: {"<dataKey>":<value>}}.
 */
final class StateFrame {

	final String channel;

	/**
	 * Identifies one life of the state: a state removed and created again starts its
	 * versions over, and its frames must not be compared with the old ones.
	 */
	final Object incarnation;

	final long version;

	final byte[] body;

	StateFrame(String channel, Object incarnation, long version, byte[] body) {
		this.channel = channel;
		this.incarnation = incarnation;
		this.version = version;
		this.body = body;
	}

	/**
	 * Returns whether this frame ends its life of the state: it tells the listeners that
	 * the state was removed, and comes after every other frame of that life.
	 */
	boolean ends() {
		return this.version == Long.MAX_VALUE;
	}

	boolean supersedes(StateFrame other) {
		return this.incarnation != other.incarnation || this.version > other.version;
	}

}
