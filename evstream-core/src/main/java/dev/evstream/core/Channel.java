package dev.evstream.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.history.ChannelHistory;
import dev.evstream.core.history.HistorySlice;
import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One channel on this instance: its listeners, the position of its latest message, and
 * the current frame of the state it carries, if any.
 * <p>
 * Messages arrive from the bus and are dispatched to the listeners strictly in sequence
 * order, each encoded once. A message that arrives after a gap (the bus lost some while
 * disconnected) waits until the missing ones are read from the history; if the history no
 * longer has them, every listener is sent a {@code reset}. Dispatch and joins hold the
 * channel's lock, which makes joining atomic with the snapshot and the position it starts
 * from; leaving takes no lock.
 */
final class Channel {

	private static final Logger logger = Loggers.getLogger(Channel.class);

	private static final ChannelCursor[] NONE = new ChannelCursor[0];

	private static final AtomicReferenceFieldUpdater<Channel, ChannelCursor[]> CURSORS = AtomicReferenceFieldUpdater
		.newUpdater(Channel.class, ChannelCursor[].class, "cursors");

	private static final int MAX_PENDING = 10_000;

	final String name;

	final String token;

	private final Engine engine;

	// the model that starts every listener with a snapshot, or null for a plain channel
	private final @Nullable ChannelSnapshots snapshots;

	private volatile ChannelCursor[] cursors = NONE;

	// guarded by this
	private boolean started;

	private boolean ready;

	private long lastSequence = ChannelCursor.UNKNOWN;

	private final ArrayDeque<ChannelMessage> pending = new ArrayDeque<>(0);

	private boolean overrun;

	private boolean catchingUp;

	private @Nullable StateFrame state;

	private boolean retired;

	Channel(String name, Engine engine) {
		this.name = name;
		this.token = EventIds.token(name);
		this.engine = engine;
		this.snapshots = engine.snapshotsOf(name);
	}

	/**
	 * Reads the channel's head, once, so that listeners know where they start.
	 */
	void start() {
		synchronized (this) {
			if (this.started) {
				return;
			}
			this.started = true;
		}
		readHead();
	}

	int listenerCount() {
		return this.cursors.length;
	}

	// ---- listeners

	/**
	 * Adds a listener, sends it the state's current value, and gives it its position.
	 * Returns false if the channel was retired meanwhile; the caller then joins its
	 * successor.
	 */
	boolean join(ChannelCursor cursor, int maxListeners) {
		Runnable replay;
		synchronized (this) {
			if (this.retired) {
				return false;
			}
			addCursor(cursor, maxListeners);
			StateFrame current = this.state;
			if (current != null) {
				cursor.connection.offerState(cursor, current);
			}
			replay = this.ready ? startCursor(cursor) : null;
		}
		if (replay != null) {
			replay.run();
		}
		return true;
	}

	private void addCursor(ChannelCursor cursor, int maxListeners) {
		while (true) {
			ChannelCursor[] current = this.cursors;
			if (current.length >= maxListeners) {
				throw new EvMaxListenersException(maxListeners, this.name);
			}
			ChannelCursor[] next = new ChannelCursor[current.length + 1];
			System.arraycopy(current, 0, next, 0, current.length);
			next[current.length] = cursor;
			if (CURSORS.compareAndSet(this, current, next)) {
				return;
			}
		}
	}

	/**
	 * Removes a listener without taking the channel's lock, so that a connection can be
	 * released from inside a dispatch.
	 * @return whether the channel has no listener left
	 */
	boolean leave(ChannelCursor cursor) {
		while (true) {
			ChannelCursor[] current = this.cursors;
			int index = -1;
			for (int i = 0; i < current.length; i++) {
				if (current[i] == cursor) {
					index = i;
					break;
				}
			}
			if (index < 0) {
				return current.length == 0;
			}
			ChannelCursor[] next = NONE;
			if (current.length > 1) {
				next = new ChannelCursor[current.length - 1];
				System.arraycopy(current, 0, next, 0, index);
				System.arraycopy(current, index + 1, next, index, current.length - index - 1);
			}
			if (CURSORS.compareAndSet(this, current, next)) {
				return next.length == 0;
			}
		}
	}

	/**
	 * Retires the channel if nothing uses it, so that it can be forgotten.
	 */
	synchronized boolean retireIfIdle() {
		if (this.retired || this.cursors.length > 0 || this.state != null) {
			return false;
		}
		this.retired = true;
		return true;
	}

	/**
	 * Gives a cursor its position, under the channel's lock. The history is read after
	 * the lock is released, since a backend may deliver while it holds its own lock.
	 * @return the replay to run once the lock is released, or {@code null}
	 */
	private @Nullable Runnable startCursor(ChannelCursor cursor) {
		long from = cursor.resumeFrom;
		if (from == ChannelCursor.UNKNOWN && this.snapshots != null) {
			cursor.connection.awaitSnapshot(cursor);
			return new SnapshotLoad(this.snapshots, cursor, null);
		}
		if (from == ChannelCursor.UNKNOWN || from == this.lastSequence) {
			cursor.connection.position(cursor, this.lastSequence, false);
			return null;
		}
		cursor.connection.position(cursor, from, true);
		return new Replay(cursor, from, this.lastSequence);
	}

	/**
	 * The messages a resuming client missed, read from the history and written to it
	 * ahead of those that arrived meanwhile.
	 */
	private final class Replay implements Runnable {

		private final ChannelCursor cursor;

		private final long from;

		private final long fallback;

		Replay(ChannelCursor cursor, long from, long fallback) {
			this.cursor = cursor;
			this.from = from;
			this.fallback = fallback;
		}

		@Override
		public void run() {
			Channel.this.engine.history.readAfter(Channel.this.name, this.from)
				.subscribe(this::replay, (ex) -> reset(this.fallback, ResetReason.UNAVAILABLE));
		}

		private void reset(long position, ResetReason reason) {
			Channel.this.engine.metrics.resumed(StreamMetrics.ResumeOutcome.RESET);
			ChannelSnapshots source = Channel.this.snapshots;
			if (source != null) {
				new SnapshotLoad(source, this.cursor, reason).run();
				return;
			}
			this.cursor.connection.replay(this.cursor, position, List.of(),
					ControlFrames.reset(Channel.this.name, reason));
		}

		private void replay(HistorySlice slice) {
			if (slice.complete()) {
				Channel.this.engine.metrics.resumed(StreamMetrics.ResumeOutcome.REPLAYED);
				List<MessageFrame> frames = new ArrayList<>(slice.messages().size());
				for (ChannelMessage message : slice.messages()) {
					frames.add(MessageFrame.of(message, Channel.this.token));
				}
				this.cursor.connection.replay(this.cursor, this.from, frames, null);
			}
			else {
				reset(slice.head(), ResetReason.OUT_OF_HISTORY);
			}
		}

	}

	/**
	 * A listener's start from a snapshot: the changes that arrive meanwhile are held, and
	 * written after it when they are newer than its sequence. Tried again until it is
	 * read, unless the listener left.
	 */
	private final class SnapshotLoad implements Runnable {

		private final ChannelSnapshots source;

		private final ChannelCursor cursor;

		// why the client is reset first, or null for a listener that is new
		private final @Nullable ResetReason reset;

		SnapshotLoad(ChannelSnapshots source, ChannelCursor cursor, @Nullable ResetReason reset) {
			this.source = source;
			this.cursor = cursor;
			this.reset = reset;
		}

		@Override
		public void run() {
			String name = Channel.this.name;
			Engine engine = Channel.this.engine;
			Mono.defer(() -> this.source.snapshot(name))
				.subscribeOn(engine.scheduler())
				.retryWhen(engine.backoff()
					.filter((ex) -> this.cursor.connection.isListening(this.cursor))
					.doBeforeRetry((signal) -> logger.debug("Channel '{}' could not read its snapshot: {}", name,
							signal.failure().toString())))
				.subscribe(this::send,
						(ex) -> logger.debug("Channel '{}' gave up a snapshot: {}", name, ex.toString()));
		}

		private void send(ChannelSnapshots.ChannelSnapshot snapshot) {
			byte[] event = SseEncoder.encode(null, Channel.this.name, snapshot.data());
			if (this.reset != null) {
				event = concat(ControlFrames.reset(Channel.this.name, this.reset), event);
			}
			this.cursor.connection.replay(this.cursor, snapshot.sequence(), List.of(), event);
		}

		private static byte[] concat(byte[] first, byte[] second) {
			byte[] both = Arrays.copyOf(first, first.length + second.length);
			System.arraycopy(second, 0, both, first.length, second.length);
			return both;
		}

	}

	// ---- messages

	/**
	 * Takes a message from the bus.
	 */
	void onMessage(ChannelMessage message) {
		synchronized (this) {
			if (!this.ready || this.catchingUp) {
				hold(message);
				return;
			}
			long sequence = message.sequence();
			if (sequence <= this.lastSequence) {
				return;
			}
			if (sequence == this.lastSequence + 1) {
				dispatch(message);
				return;
			}
			hold(message);
			beginCatchUp();
		}
		catchUp();
	}

	private void hold(ChannelMessage message) {
		if (this.pending.size() >= MAX_PENDING) {
			// dropped ones are read from the history once the catch-up is over
			this.pending.clear();
			this.overrun = true;
		}
		this.pending.addLast(message);
	}

	private void dispatch(ChannelMessage message) {
		this.lastSequence = message.sequence();
		ChannelCursor[] listeners = this.cursors;
		if (listeners.length == 0) {
			return;
		}
		MessageFrame frame = MessageFrame.of(message, this.token);
		for (ChannelCursor cursor : listeners) {
			if (cursor.positioned) {
				cursor.connection.offerMessage(cursor, frame);
			}
		}
		this.engine.metrics.delivered(this.name, listeners.length);
	}

	/**
	 * Resets the listeners of a channel that had no sequence when the backend lost its
	 * data: a message may have been sent to it (and acknowledged) just before, unseen
	 * here, and the resync that follows cannot tell, since no sequence is left to read.
	 */
	void onDataLost() {
		synchronized (this) {
			if (!this.ready || this.lastSequence != ChannelHistory.NO_SEQUENCE) {
				return;
			}
			ChannelSnapshots source = this.snapshots;
			byte[] reset = ControlFrames.reset(this.name, ResetReason.OUT_OF_HISTORY);
			for (ChannelCursor cursor : this.cursors) {
				if (source == null) {
					cursor.connection.reset(cursor, ChannelHistory.NO_SEQUENCE, reset, true);
				}
				else if (cursor.connection.holdForSnapshot(cursor, ChannelCursor.UNKNOWN)) {
					this.engine.runLater(new SnapshotLoad(source, cursor, ResetReason.OUT_OF_HISTORY));
				}
			}
		}
	}

	/**
	 * Reads what this instance may have missed, after the bus reconnected.
	 */
	void resync() {
		synchronized (this) {
			if (!this.ready || this.catchingUp) {
				return;
			}
			beginCatchUp();
		}
		catchUp();
	}

	private void beginCatchUp() {
		this.catchingUp = true;
		this.overrun = false;
	}

	/**
	 * Reads the history after the last message dispatched, until it answers; called
	 * without the channel's lock, since a backend may deliver while it holds its own.
	 */
	private void catchUp() {
		Mono.defer(() -> {
			long after;
			synchronized (this) {
				if (this.retired) {
					return Mono.<HistorySlice>empty();
				}
				after = this.lastSequence;
			}
			return this.engine.history.readAfter(this.name, after);
		})
			.retryWhen(this.engine.backoff()
				.doBeforeRetry((signal) -> logger.debug("Channel '{}' could not read its history: {}", this.name,
						signal.failure().toString())))
			.subscribe(this::onCaughtUp, (ex) -> logger.error("Channel '" + this.name + "' gave up its history", ex));
	}

	private void onCaughtUp(HistorySlice slice) {
		synchronized (this) {
			this.catchingUp = false;
			if (this.retired) {
				return;
			}
			if (slice.complete()) {
				for (ChannelMessage message : slice.messages()) {
					if (message.sequence() > this.lastSequence) {
						dispatch(message);
					}
				}
			}
			else if (slice.head() != this.lastSequence) {
				// behind the history's window, or on a sequence the backend lost (its
				// head
				// is then lower, or none)
				logger.warn("Channel '{}' lost messages that its history no longer holds; its listeners are reset",
						this.name);
				resetListeners(slice.head());
				this.lastSequence = slice.head();
			}
			if (!dispatchPending() && !this.overrun) {
				return;
			}
			beginCatchUp();
		}
		catchUp();
	}

	/**
	 * Resets every listener to a new position after messages were lost, with a new
	 * snapshot on a channel that has them. A listener already there lacks nothing.
	 */
	private void resetListeners(long head) {
		ChannelSnapshots source = this.snapshots;
		byte[] reset = ControlFrames.reset(this.name, ResetReason.OUT_OF_HISTORY);
		for (ChannelCursor cursor : this.cursors) {
			if (source == null) {
				cursor.connection.reset(cursor, head, reset, false);
			}
			else if (cursor.connection.holdForSnapshot(cursor, head)) {
				// later, since the snapshot is read without the channel's lock
				this.engine.runLater(new SnapshotLoad(source, cursor, ResetReason.OUT_OF_HISTORY));
			}
		}
	}

	/**
	 * Dispatches the held messages that follow the last one in order.
	 * @return whether a gap remains
	 */
	private boolean dispatchPending() {
		while (!this.pending.isEmpty()) {
			ChannelMessage next = this.pending.pollFirst();
			if (next.sequence() <= this.lastSequence) {
				continue;
			}
			if (next.sequence() > this.lastSequence + 1) {
				this.pending.addFirst(next);
				return true;
			}
			dispatch(next);
		}
		return false;
	}

	// ---- head

	private void readHead() {
		Mono.defer(() -> {
			synchronized (this) {
				if (this.retired || this.ready) {
					return Mono.<Long>empty();
				}
			}
			return this.engine.history.head(this.name);
		})
			.retryWhen(this.engine.backoff()
				.doBeforeRetry((signal) -> logger.debug("Channel '{}' could not read its position: {}", this.name,
						signal.failure().toString())))
			.subscribe(this::onHead, (ex) -> logger.error("Channel '" + this.name + "' gave up its position", ex));
	}

	private void onHead(long head) {
		List<Runnable> replays = new ArrayList<>();
		boolean catchUp;
		synchronized (this) {
			if (this.ready || this.retired) {
				return;
			}
			this.ready = true;
			this.lastSequence = head;
			for (ChannelCursor cursor : this.cursors) {
				Runnable replay = startCursor(cursor);
				if (replay != null) {
					replays.add(replay);
				}
			}
			// messages that arrived before the head was known: older ones predate every
			// listener, newer ones are dispatched in order
			catchUp = dispatchPending() || this.overrun;
			if (catchUp) {
				beginCatchUp();
			}
		}
		replays.forEach(Runnable::run);
		if (catchUp) {
			catchUp();
		}
	}

	// ---- state

	/**
	 * Makes a state version current and sends it to every listener; an older version, or
	 * a repeat, is ignored. Returns false if the channel was retired.
	 */
	synchronized boolean publishState(StateFrame frame) {
		if (this.retired) {
			return false;
		}
		StateFrame current = this.state;
		if (current != null && !frame.supersedes(current)) {
			return true;
		}
		this.state = frame;
		ChannelCursor[] listeners = this.cursors;
		for (ChannelCursor cursor : listeners) {
			cursor.connection.offerState(cursor, frame);
		}
		if (listeners.length > 0) {
			this.engine.metrics.delivered(this.name, listeners.length);
		}
		return true;
	}

	/**
	 * Ends the life of a state: sends its listeners the last frame of that life and
	 * forgets it, in one step, so that a listener joining meanwhile gets neither the old
	 * value nor the last frame. Nothing happens if the channel carries another life of
	 * the state already (which the listeners got in place of this one) or none.
	 */
	synchronized void endState(StateFrame last) {
		StateFrame current = this.state;
		if (current == null || current.incarnation != last.incarnation) {
			return;
		}
		this.state = null;
		ChannelCursor[] listeners = this.cursors;
		for (ChannelCursor cursor : listeners) {
			cursor.connection.offerState(cursor, last);
		}
		if (listeners.length > 0) {
			this.engine.metrics.delivered(this.name, listeners.length);
		}
	}

	synchronized boolean hasState() {
		return this.state != null;
	}

}
