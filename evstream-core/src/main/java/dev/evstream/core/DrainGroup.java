package dev.evstream.core;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.util.concurrent.Queues;

/**
 * Drains the outboxes of the connections served by one executor (in practice one network
 * event loop) in a single task per pass: a message sent to a thousand connections of a
 * loop costs that loop one wake-up, not a thousand, and whatever was queued meanwhile for
 * a connection is written and flushed together.
 */
final class DrainGroup implements Runnable {

	private final Executor executor;

	private final Queue<Outbox> ready = Queues.<Outbox>unboundedMultiproducer().get();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	DrainGroup(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Asks for an outbox to be drained on the executor; called by the one thread that won
	 * the outbox's work-in-progress counter.
	 */
	void schedule(Outbox outbox) {
		this.ready.offer(outbox);
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.executor.execute(this);
			}
			catch (RejectedExecutionException ex) {
				// the loop is shutting down: drain here rather than never
				run();
			}
		}
	}

	@Override
	public void run() {
		while (true) {
			Outbox outbox;
			while ((outbox = this.ready.poll()) != null) {
				outbox.drainLoop();
			}
			this.scheduled.set(false);
			if (this.ready.isEmpty() || !this.scheduled.compareAndSet(false, true)) {
				return;
			}
		}
	}

}
