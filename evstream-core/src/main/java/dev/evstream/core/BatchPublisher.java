package dev.evstream.core;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * The output of one connection: a unicast publisher of the batches its
 * {@link BatchSource} hands out, each to be written and then flushed once.
 * <p>
 * Draining is serialised by a work-in-progress counter and runs on the thread that
 * signalled, or in the {@link DrainGroup} of the connection's event loop once one is
 * named, so that the connections of a loop are drained in one task per pass. Batches are
 * taken only when requested: what a slow writer has not asked for stays in the source,
 * where it coalesces into fewer, larger writes.
 */
final class BatchPublisher implements Publisher<List<byte[]>>, Subscription {

	private static final AtomicIntegerFieldUpdater<BatchPublisher> WIP = AtomicIntegerFieldUpdater
		.newUpdater(BatchPublisher.class, "wip");

	private static final AtomicLongFieldUpdater<BatchPublisher> REQUESTED = AtomicLongFieldUpdater
		.newUpdater(BatchPublisher.class, "requested");

	private static final AtomicIntegerFieldUpdater<BatchPublisher> SUBSCRIBED = AtomicIntegerFieldUpdater
		.newUpdater(BatchPublisher.class, "subscribed");

	private final BatchSource source;

	// the stream's id alone: a name built from it would be kept by every connection
	private final String streamId;

	private volatile @Nullable DrainGroup drainGroup;

	private volatile @Nullable Subscriber<? super List<byte[]>> actual;

	private volatile int subscribed;

	private volatile int wip;

	private volatile long requested;

	private volatile boolean cancelled;

	private volatile @Nullable Throwable abortError;

	// only read and written by the draining thread
	private boolean terminated;

	/**
	 * Creates the publisher of a source.
	 * @param source what it publishes
	 * @param streamId the id of the stream it publishes for, which its errors name
	 */
	BatchPublisher(BatchSource source, String streamId) {
		this.source = source;
		this.streamId = streamId;
	}

	/**
	 * Drains from now on in the given group's task rather than on the signalling thread.
	 */
	void drainIn(DrainGroup group) {
		this.drainGroup = group;
	}

	/**
	 * Ends the output with an error, after what was emitted, dropping what is queued.
	 */
	void abort(Throwable error) {
		this.abortError = error;
		signal();
	}

	/**
	 * Returns whether a writer subscribed.
	 */
	boolean isClaimed() {
		return this.subscribed != 0;
	}

	/**
	 * Returns whether nothing more will be written: the writer went away, the output was
	 * aborted, or nobody ever subscribed.
	 */
	boolean isDone() {
		return this.cancelled || this.abortError != null || this.subscribed == 0;
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public void subscribe(Subscriber<? super List<byte[]>> subscriber) {
		Objects.requireNonNull(subscriber, "'subscriber' must not be null");
		if (!SUBSCRIBED.compareAndSet(this, 0, 1)) {
			Operators.error(subscriber,
					new IllegalStateException("The output of stream " + this.streamId + " allows one subscriber"));
			return;
		}
		subscriber.onSubscribe(this);
		this.actual = subscriber;
		signal();
	}

	@Override
	public void request(long n) {
		if (n <= 0) {
			// rule 3.9: a non-positive request is an error, signalled downstream
			abort(new IllegalArgumentException("Rule 3.9: the request must be positive, but was " + n));
			return;
		}
		Operators.addCap(REQUESTED, this, n);
		signal();
	}

	@Override
	public void cancel() {
		if (!this.cancelled) {
			this.cancelled = true;
			this.source.cancelled();
			signal();
		}
	}

	/**
	 * Drains, now or in the drain group, unless another thread is already draining; that
	 * thread then drains once more.
	 */
	void signal() {
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
			terminate();
			return;
		}
		long requested = this.requested;
		long emitted = 0;
		// take() answers null once the end was taken, so the end is checked once per pass
		while (emitted != requested) {
			List<byte[]> batch = this.source.take();
			if (batch == null) {
				break;
			}
			subscriber.onNext(batch);
			emitted++;
		}
		if (emitted != 0 && requested != Long.MAX_VALUE) {
			REQUESTED.addAndGet(this, -emitted);
		}
		// completion needs no demand: the end may be taken with the last batch
		if (this.source.hasEnded()) {
			terminate();
			subscriber.onComplete();
			return;
		}
		Throwable error = this.abortError;
		if (error != null) {
			terminate();
			subscriber.onError(error);
		}
	}

	private void terminate() {
		this.terminated = true;
		this.actual = null;
		this.source.discard();
	}

}
