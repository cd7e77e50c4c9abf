package dev.evstream.bench.loadgen;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Publishes a fixed number of messages at a fixed rate, open loop: the n-th message is
 * due at {@code start + n / rate} whatever the server answered before, so a slow server
 * faces the offered rate rather than setting its own. How late the publisher itself got
 * is measured, to tell when it was the limit.
 *
 * @since 0.1.0
 */
final class OpenLoopPublisher implements Publisher {

	private final HttpPublisher http;

	private final Bodies bodies;

	OpenLoopPublisher(HttpPublisher http, Bodies bodies) {
		this.http = http;
		this.bodies = bodies;
	}

	HttpPublisher http() {
		return this.http;
	}

	@Override
	public CompletableFuture<PublishOutcome> run(int count, double rate, boolean measured, long first) {
		return run(count, rate, (n) -> () -> this.bodies.body(measured, first + n));
	}

	@Override
	public int connections() {
		return this.http.maxOpenConnections();
	}

	@Override
	public void close() {
		this.http.loop().execute(this.http::close);
	}

	/**
	 * Starts publishing.
	 * @param count the number of messages
	 * @param rate the messages per second
	 * @param bodies the body of message {@code n}, made when it is sent
	 * @return the outcome, once every request is answered or failed
	 */
	CompletableFuture<PublishOutcome> run(int count, double rate, IntFunction<Supplier<byte[]>> bodies) {
		CompletableFuture<PublishOutcome> done = new CompletableFuture<>();
		this.http.loop().execute(() -> new Run(count, rate, bodies, done).start());
		return done;
	}

	private final class Run implements Runnable {

		private final int count;

		private final double nanosPerMessage;

		private final IntFunction<Supplier<byte[]>> bodies;

		private final CompletableFuture<PublishOutcome> done;

		private long start;

		private long lastSend;

		private int sent;

		private int answered;

		private int accepted;

		private long maxLag;

		private @Nullable ScheduledFuture<?> ticks;

		Run(int count, double rate, IntFunction<Supplier<byte[]>> bodies, CompletableFuture<PublishOutcome> done) {
			this.count = count;
			this.nanosPerMessage = 1e9 / rate;
			this.bodies = bodies;
			this.done = done;
		}

		void start() {
			this.start = System.nanoTime();
			if (this.count == 0) {
				this.done.complete(new PublishOutcome(0, 0, 0, this.start, this.start));
				return;
			}
			run();
			this.ticks = OpenLoopPublisher.this.http.loop().scheduleAtFixedRate(this, 1, 1, TimeUnit.MILLISECONDS);
			if (this.sent == this.count) {
				this.ticks.cancel(false);
			}
		}

		@Override
		public void run() {
			long now = System.nanoTime();
			while (this.sent < this.count) {
				long due = this.start + (long) (this.sent * this.nanosPerMessage);
				if (due > now) {
					break;
				}
				this.maxLag = Math.max(this.maxLag, now - due);
				OpenLoopPublisher.this.http.publish(this.bodies.apply(this.sent), this::answered);
				this.sent++;
				this.lastSend = now;
			}
			if (this.sent == this.count && this.ticks != null) {
				this.ticks.cancel(false);
			}
		}

		private void answered(boolean ok) {
			this.answered++;
			if (ok) {
				this.accepted++;
			}
			if (this.answered == this.count) {
				this.done
					.complete(new PublishOutcome(this.count, this.accepted, this.maxLag, this.start, this.lastSend));
			}
		}

	}

}
