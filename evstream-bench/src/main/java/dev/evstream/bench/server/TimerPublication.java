package dev.evstream.bench.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.evstream.bench.loadgen.Payload;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the messages of a {@link TimerRequest} from a timer inside the server, so
 * that no HTTP request stands between the schedule and the broadcast: message {@code i}
 * is due at {@code start + i / rate}, and every message due when the timer ticks (each
 * millisecond) is sent on that tick. How late the timer got is measured.
 * <p>
 * The body of each message takes {@link System#nanoTime()} when it is sent. On Linux that
 * clock is {@code CLOCK_MONOTONIC}, shared by every process of the machine, so the load
 * generator can still take received minus sent as the latency, as it does for the
 * payloads it sends itself.
 *
 * @since 0.1.0
 */
public final class TimerPublication {

	private final TimerRequest request;

	private final ScheduledExecutorService timer;

	private final Sender sender;

	private final CompletableFuture<Outcome> done = new CompletableFuture<>();

	private final AtomicInteger answered = new AtomicInteger();

	private final AtomicInteger accepted = new AtomicInteger();

	private final double nanosPerMessage;

	private long start;

	private int sent;

	private long lastSend;

	private volatile long maxLag;

	private @Nullable ScheduledFuture<?> ticks;

	private TimerPublication(TimerRequest request, ScheduledExecutorService timer, Sender sender) {
		this.request = request;
		this.timer = timer;
		this.sender = sender;
		this.nanosPerMessage = 1e9 / request.rate();
	}

	/**
	 * Starts publishing on the given timer.
	 * @param request what to publish
	 * @param timer the thread that sends, one task at a time
	 * @param sender sends one body and reports whether it was accepted
	 * @return the outcome, once every send is answered
	 */
	public static CompletableFuture<Outcome> start(TimerRequest request, ScheduledExecutorService timer,
			Sender sender) {
		TimerPublication publication = new TimerPublication(request, timer, sender);
		timer.execute(publication::begin);
		return publication.done;
	}

	private void begin() {
		this.start = System.nanoTime();
		this.lastSend = this.start;
		if (this.request.count() == 0) {
			complete();
			return;
		}
		tick();
		if (this.sent < this.request.count()) {
			this.ticks = this.timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
		}
	}

	private void tick() {
		long now = System.nanoTime();
		long lag = this.maxLag;
		while (this.sent < this.request.count()) {
			long due = this.start + (long) (this.sent * this.nanosPerMessage);
			if (due > now) {
				break;
			}
			lag = Math.max(lag, now - due);
			long sendNanos = System.nanoTime();
			byte[] body = new Payload(this.request.run(), this.request.measured(), this.request.first() + this.sent,
					sendNanos)
				.encode(this.request.payload());
			this.sent++;
			this.lastSend = sendNanos;
			this.sender.send(body, this::answered);
		}
		this.maxLag = lag;
		if (this.sent == this.request.count() && this.ticks != null) {
			this.ticks.cancel(false);
		}
	}

	private void answered(boolean ok) {
		if (ok) {
			this.accepted.incrementAndGet();
		}
		if (this.answered.incrementAndGet() == this.request.count()) {
			// the last answer may come from another thread than the timer's
			this.timer.execute(this::complete);
		}
	}

	private void complete() {
		this.done.complete(new Outcome(this.sent, this.accepted.get(), this.maxLag, this.start, this.lastSend));
	}

	/**
	 * Sends one message.
	 */
	@FunctionalInterface
	public interface Sender {

		/**
		 * Sends a body as event {@code bench}.
		 * @param body the payload
		 * @param outcome told, once, whether the send succeeded
		 */
		void send(byte[] body, Consumer<Boolean> outcome);

	}

	/**
	 * What a timer published, in the clock of {@link System#nanoTime()}.
	 *
	 * @param sent the messages sent
	 * @param accepted the sends that succeeded
	 * @param maxLagNanos how late the timer sent a message at worst
	 * @param startNanos the clock at the start
	 * @param lastSendNanos the clock at the last send
	 */
	public record Outcome(int sent, int accepted, long maxLagNanos, long startNanos, long lastSendNanos) {

		/**
		 * Renders the outcome as the answer of {@code POST /timer}.
		 * @return {@code name=value} lines
		 */
		public String text() {
			return "sent=" + this.sent + "\naccepted=" + this.accepted + "\nmaxLagNanos=" + this.maxLagNanos
					+ "\nstartNanos=" + this.startNanos + "\nlastSendNanos=" + this.lastSendNanos + "\n";
		}

	}

}
