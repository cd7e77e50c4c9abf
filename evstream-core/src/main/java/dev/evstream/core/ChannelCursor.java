package dev.evstream.core;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where one connection stands in one of its channels. Every field but the final ones is
 * guarded by the lock of its {@link Connection}.
 * <p>
 * A cursor is also the one place of its state in the connection's queue: the version
 * written is the newest one pending when the cursor is taken, so versions coalesce rather
 * than queue, and a connection costs no object per state beyond its cursors.
 */
final class ChannelCursor implements Entry {

	static final long UNKNOWN = Long.MIN_VALUE;

	final Connection connection;

	final String channel;

	final String token;

	/**
	 * The position the client resumes from, or {@code UNKNOWN} for a new subscription.
	 */
	final long resumeFrom;

	/**
	 * The latest sequence accepted into the queue; older or equal ones are duplicates.
	 */
	long position = UNKNOWN;

	/**
	 * The latest sequence written to the client: what its id says it has.
	 */
	long emitted = UNKNOWN;

	/**
	 * Messages that arrived while the cursor waits for its starting position or for the
	 * replay of what the client missed; {@code null} once it is live.
	 */
	@Nullable ArrayList<MessageFrame> held;

	/**
	 * The newest state version accepted, so that versions only go up.
	 */
	@Nullable StateFrame lastState;

	/**
	 * The state version waiting to be written; a newer one replaces it.
	 */
	@Nullable StateFrame pendingState;

	/**
	 * The last event of a removed life of the state, waiting to be written before
	 * {@link #pendingState}: a state created again at once replaces what was pending of
	 * the old life, but not the event that ends it.
	 */
	@Nullable StateFrame pendingEnd;

	boolean stateQueued;

	/**
	 * Whether the cursor has its starting position, or no longer needs one.
	 */
	boolean positioned;

	boolean detached;

	ChannelCursor(Connection connection, String channel, String token, long resumeFrom) {
		this.connection = connection;
		this.channel = channel;
		this.token = token;
		this.resumeFrom = resumeFrom;
	}

	@Override
	public void writeTo(Cursors cursors, List<byte[]> chunks) {
		StateFrame end = this.pendingEnd;
		StateFrame frame = this.pendingState;
		this.pendingEnd = null;
		this.pendingState = null;
		this.stateQueued = false;
		if (this.detached) {
			return;
		}
		if (end != null) {
			chunks.add(cursors.idLine());
			chunks.add(end.body);
		}
		if (frame != null) {
			chunks.add(cursors.idLine());
			chunks.add(frame.body);
		}
	}

}
