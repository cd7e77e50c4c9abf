package dev.evstream.core;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.util.concurrent.Queues;

/**
 * Drains the outputs of the connections served by one executor (in practice one network
 * event loop) in a single task per pass: a message sent to a thousand connections of a
 * loop costs that loop one wake-up, not a thousand, and whatever was queued meanwhile for
 * a connection is written and flushed together.
 */
final class DrainGroup implements Runnable {

	private final Executor executor;

	private final Queue<BatchPublisher> ready = Queues.<BatchPublisher>unboundedMultiproducer().get();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	DrainGroup(Executor executor) {
		this.executor = executor;
	}

	/**
	 * Asks for an output to be drained on the executor; called by the one thread that won
	 * the output's work-in-progress counter.
	 */
	void schedule(BatchPublisher output) {
		this.ready.offer(output);
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
			BatchPublisher output;
			while ((output = this.ready.poll()) != null) {
				output.drainLoop();
			}
			this.scheduled.set(false);
			if (this.ready.isEmpty() || !this.scheduled.compareAndSet(false, true)) {
				return;
			}
		}
	}

}
