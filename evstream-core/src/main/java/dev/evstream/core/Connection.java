package dev.evstream.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The engine side of one {@link EvStream}: its cursors in its channels, and the bounded
 * queue of what it has yet to write, under one lock.
 * <p>
 * Offers come from any thread and hold the lock briefly; the {@link BatchPublisher} takes
 * batches out of the queue when its writer asks. A connection whose queue overflows is
 * closed (its client resumes from history) without ever slowing a publisher; state
 * versions take one place per state and coalesce, so they never overflow it.
 */
final class Connection implements BatchSource {

	private static final int MAX_BATCH_ENTRIES = 1024;

	private static final Entry HEARTBEAT = new Entry.Raw(ControlFrames.HEARTBEAT);

	private final Engine engine;

	private final int capacity;

	private final Runnable onOverflow;

	private final Runnable onCancel;

	final BatchPublisher output;

	// guarded by this
	private final Cursors cursors = new Cursors();

	private final ArrayDeque<Entry> queue = new ArrayDeque<>(4);

	private boolean closing;

	private long closingSince;

	private boolean ended;

	private byte[] end = ControlFrames.END;

	private int unpositioned;

	private Sinks.@Nullable Empty<Void> readySink;

	private @Nullable List<Consumer<? super Set<String>>> closeCallbacks;

	private @Nullable Set<String> channelsAtRelease;

	/**
	 * Creates a connection.
	 * @param streamId the id of its stream, which errors name
	 * @param engine the engine it belongs to
	 * @param onOverflow run when its queue overflows, outside the lock
	 * @param onCancel run when its writer goes away
	 */
	Connection(String streamId, Engine engine, Runnable onOverflow, Runnable onCancel) {
		this.engine = engine;
		this.capacity = engine.bufferSize;
		this.onOverflow = onOverflow;
		this.onCancel = onCancel;
		this.output = new BatchPublisher(this, streamId);
	}

	// ---- cursors

	/**
	 * Adds a cursor for a channel, or returns {@code null} if the connection listens to
	 * it already.
	 * @throws IllegalStateException if the connection is closed or listens to the maximum
	 * number of channels
	 */
	synchronized @Nullable ChannelCursor addCursor(String name, String channel, String token, long resumeFrom,
			int maxChannels) {
		if (this.channelsAtRelease != null || this.closing) {
			throw new IllegalStateException("Stream " + name + " is closed");
		}
		if (this.cursors.contains(channel)) {
			return null;
		}
		if (this.cursors.size() >= maxChannels) {
			throw new IllegalStateException(
					"Stream " + name + " already listens to the maximum of " + maxChannels + " channels");
		}
		ChannelCursor cursor = new ChannelCursor(this, channel, token, resumeFrom);
		this.cursors.add(cursor);
		this.unpositioned++;
		return cursor;
	}

	/**
	 * Removes the cursor of a channel, if any, and returns it.
	 */
	@Nullable ChannelCursor removeCursor(String channel) {
		ChannelCursor cursor;
		synchronized (this) {
			cursor = this.cursors.remove(channel);
			if (cursor == null) {
				return null;
			}
			detachLocked(cursor);
		}
		completeReadyIfDone();
		return cursor;
	}

	/**
	 * Removes a cursor that could not join its channel.
	 */
	void removeCursor(ChannelCursor cursor) {
		synchronized (this) {
			if (this.cursors.remove(cursor)) {
				detachLocked(cursor);
			}
		}
		completeReadyIfDone();
	}

	private void detachLocked(ChannelCursor cursor) {
		cursor.detached = true;
		positionedLocked(cursor);
	}

	/**
	 * Gives a cursor its starting position: the last message the client has. With
	 * {@code awaitReplay}, live messages are held until the replay of what the client
	 * missed after that position.
	 */
	void position(ChannelCursor cursor, long position, boolean awaitReplay) {
		synchronized (this) {
			if (cursor.positioned) {
				return;
			}
			cursor.position = position;
			cursor.emitted = position;
			if (awaitReplay) {
				cursor.held = new ArrayList<>();
			}
			this.cursors.idLineChanged();
			positionedLocked(cursor);
		}
		completeReadyIfDone();
	}

	/**
	 * Starts a cursor that waits for its snapshot: it holds what arrives meanwhile, and
	 * its channel stays out of the id until the snapshot is written, so that a client
	 * that reconnects before then asks for a snapshot again.
	 */
	void awaitSnapshot(ChannelCursor cursor) {
		synchronized (this) {
			if (cursor.positioned) {
				return;
			}
			cursor.held = new ArrayList<>();
			positionedLocked(cursor);
		}
		completeReadyIfDone();
	}

	/**
	 * Makes a live cursor hold what arrives until a new snapshot is written, unless it is
	 * already at the given position or waiting for a snapshot or replay.
	 * @return whether a snapshot should now be read for it
	 */
	synchronized boolean holdForSnapshot(ChannelCursor cursor, long position) {
		if (this.closing || cursor.detached || cursor.held != null || cursor.position == position) {
			return false;
		}
		cursor.held = new ArrayList<>();
		return true;
	}

	/**
	 * Returns whether a cursor still listens on an open connection.
	 */
	synchronized boolean isListening(ChannelCursor cursor) {
		return !this.closing && !cursor.detached;
	}

	private void positionedLocked(ChannelCursor cursor) {
		if (!cursor.positioned) {
			cursor.positioned = true;
			this.unpositioned--;
		}
	}

	/**
	 * Completes once every channel has its starting position, so that the first id the
	 * client receives covers them all.
	 */
	synchronized Mono<Void> ready() {
		if (this.unpositioned == 0 || this.channelsAtRelease != null) {
			return Mono.empty();
		}
		if (this.readySink == null) {
			this.readySink = Sinks.empty();
		}
		return this.readySink.asMono();
	}

	private void completeReadyIfDone() {
		Sinks.Empty<Void> sink;
		synchronized (this) {
			if (this.unpositioned > 0 && this.channelsAtRelease == null) {
				return;
			}
			sink = this.readySink;
			this.readySink = null;
		}
		if (sink != null) {
			// later, since the caller may hold a channel's lock and the writer starts on
			// this signal
			this.engine.runLater(sink::tryEmitEmpty);
		}
	}

	/**
	 * Returns the channels, in the order the connection started listening; after release,
	 * those it had.
	 */
	synchronized Set<String> channels() {
		if (this.channelsAtRelease != null) {
			return this.channelsAtRelease;
		}
		return Collections.unmodifiableSet(new LinkedHashSet<>(this.cursors.channels()));
	}

	// ---- release

	/**
	 * Registers a callback for the release; returns {@code false}, registering nothing,
	 * if the connection was released already.
	 */
	synchronized boolean addCloseCallback(Consumer<? super Set<String>> callback) {
		if (this.channelsAtRelease != null) {
			return false;
		}
		if (this.closeCallbacks == null) {
			this.closeCallbacks = new ArrayList<>(2);
		}
		this.closeCallbacks.add(callback);
		return true;
	}

	/**
	 * Marks the connection released, once, and returns what it held: its cursors, the
	 * channels they were for, and the close callbacks; {@code null} if it was released
	 * already.
	 */
	@Nullable Released release() {
		Released released;
		synchronized (this) {
			if (this.channelsAtRelease != null) {
				return null;
			}
			Set<String> channels = Collections.unmodifiableSet(new LinkedHashSet<>(this.cursors.channels()));
			this.channelsAtRelease = channels;
			List<Consumer<? super Set<String>>> callbacks = (this.closeCallbacks != null) ? this.closeCallbacks
					: List.of();
			this.closeCallbacks = null;
			released = new Released(new ArrayList<>(this.cursors.all()), channels, callbacks);
		}
		completeReadyIfDone();
		return released;
	}

	synchronized boolean isReleased() {
		return this.channelsAtRelease != null;
	}

	/**
	 * What a connection held when it was released.
	 */
	record Released(List<ChannelCursor> cursors, Set<String> channels, List<Consumer<? super Set<String>>> callbacks) {
	}

	// ---- offers, from any thread

	/**
	 * Queues a channel message for a cursor, unless it is a duplicate.
	 */
	void offerMessage(ChannelCursor cursor, MessageFrame frame) {
		int overflow = -1;
		synchronized (this) {
			if (this.closing || cursor.detached) {
				return;
			}
			if (cursor.held != null) {
				if (cursor.held.size() < this.capacity) {
					cursor.held.add(frame);
					return;
				}
				overflow = overflowLocked() + cursor.held.size();
			}
			else if (frame.sequence <= cursor.position) {
				return;
			}
			else {
				cursor.position = frame.sequence;
				if (!enqueueLocked(frame)) {
					overflow = overflowLocked();
				}
			}
		}
		afterOffer(overflow);
	}

	/**
	 * Queues a state version for a cursor, replacing an unsent older one of the same
	 * state; versions only go up.
	 */
	void offerState(ChannelCursor cursor, StateFrame frame) {
		boolean coalesced = false;
		synchronized (this) {
			if (this.closing || cursor.detached) {
				return;
			}
			StateFrame last = cursor.lastState;
			if (last != null && !frame.supersedes(last)) {
				return;
			}
			cursor.lastState = frame;
			if (frame.ends()) {
				// what was pending of the ending life is not to be written any more
				cursor.pendingEnd = frame;
				cursor.pendingState = null;
			}
			else {
				cursor.pendingState = frame;
			}
			if (cursor.stateQueued) {
				coalesced = true;
			}
			else {
				// one place per state and connection, so states cannot overflow the queue
				cursor.stateQueued = true;
				this.queue.addLast(cursor);
			}
		}
		if (coalesced) {
			this.engine.metrics.coalesced(cursor.channel);
			return;
		}
		this.output.signal();
	}

	/**
	 * Queues bytes written as they are (direct messages, the preamble).
	 */
	void offerBytes(byte[] bytes) {
		offerEntry(new Entry.Raw(bytes));
	}

	/**
	 * Queues an event written after the connection's current id line.
	 */
	void offerIdentified(byte[] body) {
		offerEntry(new Entry.Identified(body));
	}

	private void offerEntry(Entry entry) {
		int overflow = -1;
		synchronized (this) {
			if (this.closing) {
				return;
			}
			if (!enqueueLocked(entry)) {
				overflow = overflowLocked();
			}
		}
		afterOffer(overflow);
	}

	private boolean enqueueLocked(Entry entry) {
		if (this.queue.size() >= this.capacity) {
			return false;
		}
		this.queue.addLast(entry);
		return true;
	}

	/**
	 * Closes the connection if the queue overflowed, dropping what it held.
	 * @param dropped the number of events dropped, or -1 if nothing overflowed
	 */
	private void afterOffer(int dropped) {
		if (dropped >= 0) {
			this.engine.metrics.dropped(StreamMetrics.Drop.OVERFLOW, dropped + 1);
			this.onOverflow.run();
		}
		this.output.signal();
	}

	/**
	 * Queues a heartbeat when nothing else is waiting, since any event keeps the
	 * connection alive.
	 */
	void offerHeartbeat() {
		synchronized (this) {
			if (this.closing || !this.queue.isEmpty()) {
				return;
			}
			this.queue.addLast(HEARTBEAT);
		}
		this.output.signal();
	}

	/**
	 * Ends a cursor's wait: writes the replayed messages, then a reset event if the
	 * client's position could not be honoured, then the messages held meanwhile, skipping
	 * any already written.
	 * @param cursor the cursor
	 * @param position the position the replay starts from, or the new position after a
	 * reset
	 * @param replayed the messages the client missed, oldest first
	 * @param reset the reset event, or {@code null} if the position is honoured
	 */
	void replay(ChannelCursor cursor, long position, List<MessageFrame> replayed, byte @Nullable [] reset) {
		int overflow = -1;
		synchronized (this) {
			List<MessageFrame> held = cursor.held;
			cursor.held = null;
			if (this.closing || cursor.detached) {
				return;
			}
			cursor.position = position;
			if (reset != null) {
				this.queue.addLast(new Entry.Reset(cursor, position, reset));
			}
			enqueueAfterPosition(cursor, replayed);
			if (held != null) {
				enqueueAfterPosition(cursor, held);
			}
			if (this.queue.size() > this.capacity) {
				overflow = overflowLocked();
			}
		}
		afterOffer(overflow);
	}

	private void enqueueAfterPosition(ChannelCursor cursor, List<MessageFrame> frames) {
		for (MessageFrame frame : frames) {
			if (frame.sequence > cursor.position) {
				cursor.position = frame.sequence;
				this.queue.addLast(frame);
			}
		}
	}

	/**
	 * Tells the client that it missed messages of a channel that cannot be replayed, and
	 * moves the cursor past them; unless {@code evenInPlace}, a cursor already at the
	 * position is left alone.
	 */
	void reset(ChannelCursor cursor, long position, byte[] reset, boolean evenInPlace) {
		synchronized (this) {
			// a lost sequence may restart below the cursor: any other position moves it
			if (this.closing || cursor.detached || (position == cursor.position && !evenInPlace)) {
				return;
			}
			cursor.position = position;
			this.queue.addLast(new Entry.Reset(cursor, position, reset));
		}
		this.output.signal();
	}

	/**
	 * Starts a graceful close: what is queued is written, then the given end frame.
	 * Returns whether this call started it.
	 */
	boolean close(byte[] end) {
		synchronized (this) {
			if (this.closing) {
				return false;
			}
			closeLocked(end);
		}
		this.output.signal();
		return true;
	}

	private void closeLocked(byte[] end) {
		this.closing = true;
		this.closingSince = this.engine.now();
		this.end = end;
		this.queue.addLast(Entry.End.INSTANCE);
	}

	private int overflowLocked() {
		// the client resumes from its last id, so what it has not received is dropped
		int dropped = this.queue.size();
		this.queue.clear();
		this.cursors.clearPendingStates();
		closeLocked(ControlFrames.END);
		return dropped;
	}

	synchronized boolean isClosing() {
		return this.closing;
	}

	/**
	 * Aborts the connection when it was closed but could not write its last events within
	 * the timeout: its client stopped reading. Returns whether the connection is now done
	 * with, either way.
	 */
	boolean abortIfStalled(String name, long now, long timeout) {
		int dropped;
		synchronized (this) {
			if (!this.closing || now - this.closingSince < timeout) {
				return false;
			}
			if (this.ended || this.output.isCancelled()) {
				return true;
			}
			dropped = this.queue.size();
			this.queue.clear();
		}
		this.engine.metrics.dropped(StreamMetrics.Drop.STALLED, dropped);
		this.output.abort(new EvSlowConsumerException(name));
		return true;
	}

	/**
	 * Returns whether nothing more will be written: {@code end} was taken, the client
	 * went away, or the connection was aborted.
	 */
	boolean isDone() {
		return this.output.isDone() || hasEnded();
	}

	// ---- the source of the output

	@Override
	public synchronized @Nullable List<byte[]> take() {
		if (this.ended || this.queue.isEmpty()) {
			// asked again right after each batch: answer without allocating
			return null;
		}
		List<byte[]> chunks = new ArrayList<>(Math.min(this.queue.size(), MAX_BATCH_ENTRIES) * 2);
		while (chunks.size() < MAX_BATCH_ENTRIES && !this.queue.isEmpty()) {
			Entry entry = this.queue.pollFirst();
			if (entry == Entry.End.INSTANCE) {
				chunks.add(this.end);
				this.ended = true;
				break;
			}
			entry.writeTo(this.cursors, chunks);
		}
		return chunks.isEmpty() ? null : chunks;
	}

	@Override
	public synchronized boolean hasEnded() {
		return this.ended;
	}

	@Override
	public synchronized void discard() {
		this.queue.clear();
	}

	@Override
	public void cancelled() {
		this.onCancel.run();
	}

}
