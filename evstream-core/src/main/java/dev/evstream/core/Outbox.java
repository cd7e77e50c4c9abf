package dev.evstream.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * The bounded queue of what one connection has yet to write, and the publisher the HTTP
 * layer writes from.
 * <p>
 * Each element it publishes is a batch: every event queued since the last one, to be
 * written and then flushed once. A slow connection therefore gets fewer, larger writes
 * rather than a growing backlog, and a stalled one fills its queue and is closed (its
 * client resumes from history) without ever slowing a publisher.
 * <p>
 * Offers hold the queue's lock briefly; the drain loop runs outside it, one thread at a
 * time: on the offering thread, or in the {@link DrainGroup} of the connection's event
 * loop when the HTTP layer names it.
 */
final class Outbox implements Publisher<List<byte[]>>, Subscription {

	private static final int MAX_BATCH_ENTRIES = 1024;

	private static final AtomicIntegerFieldUpdater<Outbox> WIP = AtomicIntegerFieldUpdater.newUpdater(Outbox.class,
			"wip");

	private static final AtomicLongFieldUpdater<Outbox> REQUESTED = AtomicLongFieldUpdater.newUpdater(Outbox.class,
			"requested");

	private static final AtomicIntegerFieldUpdater<Outbox> SUBSCRIBED = AtomicIntegerFieldUpdater
		.newUpdater(Outbox.class, "subscribed");

	private final EvStream stream;

	private final int capacity;

	private volatile @Nullable DrainGroup drainGroup;

	private final ArrayDeque<Object> queue = new ArrayDeque<>(4);

	private boolean closing;

	private long closingSince;

	private boolean ended;

	private byte @Nullable [] end;

	private volatile @Nullable Subscriber<? super List<byte[]>> actual;

	private volatile int subscribed;

	private volatile int wip;

	private volatile long requested;

	private volatile boolean cancelled;

	private volatile @Nullable Throwable abortError;

	private boolean terminated;

	Outbox(EvStream stream, int capacity) {
		this.stream = stream;
		this.capacity = capacity;
	}

	/**
	 * Drains from now on in the given group's task rather than on the offering thread.
	 */
	void drainIn(DrainGroup group) {
		this.drainGroup = group;
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
			cursor.pendingState = frame;
			if (cursor.stateQueued) {
				coalesced = true;
			}
			else {
				// one slot per state and connection, so states cannot overflow the queue
				cursor.stateQueued = true;
				this.queue.addLast(cursor);
			}
		}
		if (coalesced) {
			this.stream.manager().metrics().coalesced(cursor.channel);
			return;
		}
		signal();
	}

	/**
	 * Queues bytes written as they are (direct messages, the preamble).
	 */
	void offerBytes(byte[] bytes) {
		offerEntry(bytes);
	}

	/**
	 * Queues an event written after the connection's current id line.
	 */
	void offerIdentified(byte[] body) {
		offerEntry(new IdentifiedFrame(body));
	}

	private void offerEntry(Object entry) {
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

	private boolean enqueueLocked(Object entry) {
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
			this.stream.manager().metrics().dropped(StreamMetrics.Drop.OVERFLOW, dropped + 1);
			this.stream.onOverflow();
		}
		signal();
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
			this.queue.addLast(ControlFrames.HEARTBEAT);
		}
		signal();
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
				this.queue.addLast(new ResetFrame(cursor, position, reset));
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
			this.queue.addLast(new ResetFrame(cursor, position, reset));
		}
		signal();
	}

	/**
	 * Starts a graceful close: what is queued is written, then {@code end}. Returns
	 * whether this call started it.
	 */
	boolean close(long now, byte[] end) {
		synchronized (this) {
			if (this.closing) {
				return false;
			}
			this.closing = true;
			this.closingSince = now;
			this.end = end;
			this.queue.addLast(End.INSTANCE);
		}
		signal();
		return true;
	}

	private int overflowLocked() {
		// the client resumes from its last id, so what it has not received is dropped
		int dropped = this.queue.size();
		this.queue.clear();
		this.stream.clearPendingStates();
		this.end = ControlFrames.END;
		this.queue.addLast(End.INSTANCE);
		this.closing = true;
		this.closingSince = this.stream.now();
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
	boolean abortIfStalled(long now, long timeout) {
		int dropped;
		synchronized (this) {
			if (!this.closing || now - this.closingSince < timeout) {
				return false;
			}
			if (this.ended || this.cancelled) {
				return true;
			}
			dropped = this.queue.size();
			this.queue.clear();
		}
		this.stream.manager().metrics().dropped(StreamMetrics.Drop.STALLED, dropped);
		this.abortError = new EvSlowConsumerException(this.stream.id());
		signal();
		return true;
	}

	/**
	 * Returns whether nothing more will be written: {@code end} was taken, the client
	 * went away, or the connection was aborted.
	 */
	boolean isDone() {
		return this.cancelled || this.abortError != null || hasEnded() || this.subscribed == 0;
	}

	/**
	 * Returns whether a writer subscribed to the output.
	 */
	boolean isClaimed() {
		return this.subscribed != 0;
	}

	Object lock() {
		return this;
	}

	// ---- the publisher

	@Override
	public void subscribe(Subscriber<? super List<byte[]>> subscriber) {
		if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
			Operators.error(subscriber,
					new IllegalStateException("The output of stream " + this.stream.id() + " allows one subscriber"));
			return;
		}
		subscriber.onSubscribe(this);
		this.actual = subscriber;
		signal();
	}

	@Override
	public void request(long n) {
		if (Operators.validate(n)) {
			Operators.addCap(REQUESTED, this, n);
			signal();
		}
	}

	@Override
	public void cancel() {
		if (!this.cancelled) {
			this.cancelled = true;
			this.stream.onDisconnect();
			signal();
		}
	}

	private void signal() {
		if (WIP.getAndIncrement(this) != 0) {
			return;
		}
		DrainGroup group = this.drainGroup;
		if (group != null) {
			group.schedule(this);
		}
		else {
			drainLoop();
		}
	}

	void drainLoop() {
		int missed = 1;
		while (true) {
			drain();
			missed = WIP.addAndGet(this, -missed);
			if (missed == 0) {
				return;
			}
		}
	}

	private void drain() {
		Subscriber<? super List<byte[]>> subscriber = this.actual;
		if (subscriber == null || this.terminated) {
			return;
		}
		if (this.cancelled) {
			this.terminated = true;
			discard();
			return;
		}
		long requested = this.requested;
		long emitted = 0;
		boolean complete = false;
		while (emitted != requested) {
			List<byte[]> batch = take();
			if (batch == null) {
				break;
			}
			subscriber.onNext(batch);
			emitted++;
			if (hasEnded()) {
				complete = true;
				break;
			}
		}
		if (emitted != 0 && requested != Long.MAX_VALUE) {
			REQUESTED.addAndGet(this, -emitted);
		}
		if (complete) {
			this.terminated = true;
			subscriber.onComplete();
			return;
		}
		Throwable error = this.abortError;
		if (error != null) {
			this.terminated = true;
			discard();
			subscriber.onError(error);
		}
	}

	private synchronized boolean hasEnded() {
		return this.ended;
	}

	private synchronized void discard() {
		this.queue.clear();
	}

	private synchronized @Nullable List<byte[]> take() {
		if (this.ended) {
			return null;
		}
		List<byte[]> chunks = new ArrayList<>(Math.min(this.queue.size(), MAX_BATCH_ENTRIES) * 2);
		while (chunks.size() < MAX_BATCH_ENTRIES && !this.queue.isEmpty()) {
			Object entry = this.queue.pollFirst();
			if (entry == End.INSTANCE) {
				chunks.add((this.end != null) ? this.end : ControlFrames.END);
				this.ended = true;
				break;
			}
			this.stream.write(entry, chunks);
		}
		return chunks.isEmpty() ? null : chunks;
	}

	/**
	 * The place of {@code end} in the queue.
	 */
	private enum End {

		INSTANCE

	}

	/**
	 * An event written after the connection's id line, such as {@code connected}.
	 */
	record IdentifiedFrame(byte[] body) {
	}

	/**
	 * A {@code reset} event, which also moves the cursor's written position.
	 */
	record ResetFrame(ChannelCursor cursor, long position, byte[] body) {
	}

}
