package dev.evstream.core;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.evstream.core.auth.EvPrincipal;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * One Server-Sent Events connection, as evstream's {@code Evstream}: it listens to
 * channels, receives messages, and is closed by the server or by its client.
 * <p>
 * Streams are made by an {@link EvStreamManager}, which counts them against its limits.
 * What a stream has to send waits in a bounded queue that the HTTP layer drains through
 * {@link #output()}; a client too slow to keep up is closed with {@code end} and resumes
 * from its last event id.
 * <p>
 * All methods are thread-safe and never block.
 *
 * @since 0.1.0
 */
public final class EvStream {

	private static final Logger logger = Loggers.getLogger(EvStream.class);

	private final String id;

	private final EvPrincipal principal;

	private final Engine engine;

	private final StreamRegistry registry;

	final Connection connection;

	EvStream(String id, EvPrincipal principal, Engine engine, StreamRegistry registry) {
		this.id = id;
		this.principal = principal;
		this.engine = engine;
		this.registry = registry;
		this.connection = new Connection(id, engine, this::onOverflow, () -> release(false));
	}

	/**
	 * Returns the id of this connection: unguessable, with the manager's prefix.
	 * @return the connection id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns who opened this stream.
	 * @return the principal, {@link EvPrincipal#anonymous()} without authentication
	 */
	public EvPrincipal principal() {
		return this.principal;
	}

	/**
	 * Returns the channels this stream listens to, in the order it started listening.
	 * @return an unmodifiable copy of the channels; after close, those it had
	 */
	public Set<String> channels() {
		return this.connection.channels();
	}

	/**
	 * Sends a message to this stream only. Its id, if any, is written as given, and
	 * becomes the client's {@code Last-Event-ID}: leave it {@code null} on streams that
	 * resume. Ignored once the stream is closed.
	 * @param message the message
	 * @throws IllegalArgumentException if the data cannot be written as JSON
	 */
	public void message(EvMessage message) {
		Objects.requireNonNull(message, "'message' must not be null");
		this.connection.offerBytes(this.engine.encode(message));
	}

	/**
	 * Starts listening to a channel; listening twice is a no-op. If the channel carries a
	 * state, its current value is sent at once.
	 * @param channel the channel
	 * @throws IllegalArgumentException if the channel name is invalid
	 * @throws IllegalStateException if the stream is closed or listens to the maximum
	 * number of channels already
	 * @throws EvMaxListenersException if the channel has the maximum number of listeners
	 */
	public void listen(String channel) {
		this.registry.listen(this, ChannelNames.check(channel), null);
	}

	/**
	 * Stops listening to a channel; a no-op if the stream does not listen to it.
	 * @param channel the channel
	 */
	public void unlisten(String channel) {
		ChannelCursor cursor = this.connection.removeCursor(channel);
		if (cursor != null) {
			this.registry.leave(this, cursor);
		}
	}

	/**
	 * Closes the stream: what is queued is written, then {@code event: end}, then the
	 * response completes. The stream stops listening at once, and the close callbacks
	 * run. Closing twice is a no-op.
	 */
	public void close() {
		closeWith(ControlFrames.END);
	}

	void closeWith(byte[] end) {
		if (this.connection.close(end)) {
			release(true);
		}
	}

	/**
	 * Registers a callback that runs once when the stream ends, whether the server closed
	 * it or the client went away, with the channels it listened to. Registered after the
	 * stream ended, it runs at once. Callbacks must not block.
	 * @param callback the callback
	 * @return this stream
	 */
	public EvStream onClose(Consumer<? super Set<String>> callback) {
		Objects.requireNonNull(callback, "'callback' must not be null");
		if (!this.connection.addCloseCallback(callback)) {
			runCallback(callback, this.connection.channels());
		}
		return this;
	}

	/**
	 * Returns whether the stream is closed or closing.
	 * @return whether it accepts no more events
	 */
	public boolean isClosed() {
		return this.connection.isClosing() || this.connection.isReleased();
	}

	/**
	 * Returns what the HTTP layer writes: batches of SSE bytes, each to be written and
	 * then flushed once. Unicast: one subscriber only, others get an
	 * {@link IllegalStateException}. Hot: events queued before subscription are kept, up
	 * to the buffer size. Infinite until the stream is closed, then completes after
	 * {@code end}; errors with {@link EvSlowConsumerException} if a closed stream's
	 * client stopped reading. Signals on the thread that queued the event. Batches are
	 * taken only when requested, so what a slow writer has not asked for coalesces into
	 * fewer, larger batches. Cancelling means the client went away: the stream is
	 * released and its close callbacks run.
	 * @return the batches to write
	 */
	public Flux<List<byte[]>> output() {
		return Flux.from(this.connection.output);
	}

	/**
	 * Returns what the HTTP layer writes, as {@link #output()}, emitted from the given
	 * executor, typically the event loop of the connection: the streams of one executor
	 * are then drained in one task per pass, so a message to a thousand connections of a
	 * loop costs that loop one wake-up.
	 * @param writer the executor of the connection's writes
	 * @return the batches to write
	 */
	public Flux<List<byte[]>> output(Executor writer) {
		Objects.requireNonNull(writer, "'writer' must not be null");
		this.connection.output.drainIn(this.engine.drainGroup(writer));
		return output();
	}

	/**
	 * Completes once every channel of the stream has its starting position.
	 */
	Mono<Void> ready() {
		return this.connection.ready();
	}

	@Override
	public String toString() {
		return "EvStream[" + this.id + "]";
	}

	private void onOverflow() {
		logger.debug("Connection {} could not keep up and is closed; its client resumes from history", this.id);
		release(false);
	}

	/**
	 * Stops listening, frees the connection slot, and runs the close callbacks: at once
	 * when the application closed the stream, else later on the engine's scheduler, since
	 * the client's disconnect is seen on an I/O thread, possibly inside a dispatch.
	 */
	void release(boolean callbacksNow) {
		Connection.Released released = this.connection.release();
		if (released == null) {
			return;
		}
		for (ChannelCursor cursor : released.cursors()) {
			this.registry.leave(this, cursor);
		}
		this.registry.unregister(this);
		if (released.callbacks().isEmpty()) {
			return;
		}
		Runnable callbacks = () -> released.callbacks()
			.forEach((callback) -> runCallback(callback, released.channels()));
		if (callbacksNow) {
			callbacks.run();
		}
		else {
			this.engine.runLater(callbacks);
		}
	}

	private void runCallback(Consumer<? super Set<String>> callback, Set<String> channels) {
		try {
			callback.accept(channels);
		}
		catch (RuntimeException ex) {
			logger.error("Close callback of connection " + this.id + " failed", ex);
		}
	}

}
