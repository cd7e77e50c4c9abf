package dev.evstream.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a {@link BatchPublisher} takes what it emits: a connection's queue, read one
 * batch at a time by the one thread that drains it.
 */
interface BatchSource {

	/**
	 * Takes everything queued, up to a bound, as one batch.
	 * @return the batch, or {@code null} if nothing is queued or the end was taken
	 * already
	 */
	@Nullable List<byte[]> take();

	/**
	 * Returns whether the output has ended: the batch that ended it was taken, or there
	 * was nothing to take.
	 * @return whether nothing follows
	 */
	boolean hasEnded();

	/**
	 * Drops what is queued, since nobody will write it.
	 */
	void discard();

	/**
	 * Tells the source that its writer went away.
	 */
	void cancelled();

}
