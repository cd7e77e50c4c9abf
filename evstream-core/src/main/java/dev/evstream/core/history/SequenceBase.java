package dev.evstream.core.history;

/**
 * Where a channel's sequence starts: a thousand positions per millisecond of wall-clock
 * time. A sequence created after the old one was lost starts above anything the old one
 * reached (unless it published over a thousand messages per millisecond of its life), so
 * a client holding an old position sees a gap, never a silent overlap.
 *
 * @since 0.1.0
 */
public final class SequenceBase {

	private SequenceBase() {
	}

	/**
	 * Returns the base for a sequence created now.
	 * @return the base
	 */
	public static long now() {
		return System.currentTimeMillis() * 1000;
	}

}
