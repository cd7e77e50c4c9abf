package dev.evstream.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.sse.SseEncoder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
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

	private final EvStreamManager manager;

	final Outbox outbox;

	// guarded by the outbox lock
	private final Map<String, ChannelCursor> cursors = new LinkedHashMap<>(4);

	private @Nullable ChannelCursor onlyCursor;

	private byte @Nullable [] idLine;

	private @Nullable List<Consumer<? super Set<String>>> closeCallbacks;

	private @Nullable Set<String> channelsAtClose;

	private int unpositioned;

	private Sinks.@Nullable Empty<Void> readySink;

	EvStream(String id, EvPrincipal principal, EvStreamManager manager) {
		this.id = id;
		this.principal = principal;
		this.manager = manager;
		this.outbox = new Outbox(this, manager.bufferSize());
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
		synchronized (this.outbox.lock()) {
			if (this.channelsAtClose != null) {
				return this.channelsAtClose;
			}
			return Collections.unmodifiableSet(new LinkedHashSet<>(this.cursors.keySet()));
		}
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
		this.outbox.offerBytes(this.manager.encode(message));
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
		this.manager.listen(this, ChannelNames.check(channel), null);
	}

	/**
	 * Stops listening to a channel; a no-op if the stream does not listen to it.
	 * @param channel the channel
	 */
	public void unlisten(String channel) {
		ChannelCursor cursor;
		synchronized (this.outbox.lock()) {
			cursor = this.cursors.remove(channel);
			if (cursor == null) {
				return;
			}
			cursor.detached = true;
			cursorsChanged();
			positionedLocked(cursor);
		}
		this.manager.leave(cursor);
		completeReadyIfDone();
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
		if (this.outbox.close(now(), end)) {
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
		Set<String> closedWith;
		synchronized (this.outbox.lock()) {
			closedWith = this.channelsAtClose;
			if (closedWith == null) {
				if (this.closeCallbacks == null) {
					this.closeCallbacks = new ArrayList<>(2);
				}
				this.closeCallbacks.add(callback);
				return this;
			}
		}
		runCallback(callback, closedWith);
		return this;
	}

	/**
	 * Returns whether the stream is closed or closing.
	 * @return whether it accepts no more events
	 */
	public boolean isClosed() {
		return this.outbox.isClosing() || isReleased();
	}

	/**
	 * Returns what the HTTP layer writes: batches of SSE bytes, each to be written and
	 * then flushed once. Unicast: one subscriber only. Hot: events queued before
	 * subscription are kept, up to the buffer size. Infinite until the stream is closed,
	 * then completes after {@code end}; errors with {@link EvSlowConsumerException} if a
	 * closed stream's client stopped reading. Signals on the thread that queued the
	 * event. Cancelling means the client went away: the stream is released and its close
	 * callbacks run.
	 * @return the batches to write
	 */
	public Flux<List<byte[]>> output() {
		return Flux.from(this.outbox);
	}

	/**
	 * Writes from now on from the given executor, typically the event loop of the
	 * connection: the batches of {@link #output()} are then emitted there, and the
	 * connections of one executor are drained in one task per pass. Call it before
	 * subscribing to the output.
	 * @param executor the executor of the connection's writes
	 * @return this stream
	 */
	public EvStream drainOn(Executor executor) {
		Objects.requireNonNull(executor, "'executor' must not be null");
		this.outbox.drainIn(this.manager.drainGroup(executor));
		return this;
	}

	/**
	 * Completes once every channel of the stream has its starting position, so that the
	 * first id the client receives covers them all.
	 */
	Mono<Void> ready() {
		synchronized (this.outbox.lock()) {
			if (this.unpositioned == 0 || this.channelsAtClose != null) {
				return Mono.empty();
			}
			if (this.readySink == null) {
				this.readySink = Sinks.empty();
			}
			return this.readySink.asMono();
		}
	}

	@Override
	public String toString() {
		return "EvStream[" + this.id + "]";
	}

	// ---- engine side

	@Nullable ChannelCursor addCursor(String channel, String token, long resumeFrom, int maxChannels) {
		synchronized (this.outbox.lock()) {
			if (this.channelsAtClose != null || this.outbox.isClosing()) {
				throw new IllegalStateException("Stream " + this.id + " is closed");
			}
			if (this.cursors.containsKey(channel)) {
				return null;
			}
			if (this.cursors.size() >= maxChannels) {
				throw new IllegalStateException(
						"Stream " + this.id + " already listens to the maximum of " + maxChannels + " channels");
			}
			ChannelCursor cursor = new ChannelCursor(this, channel, token, resumeFrom);
			this.cursors.put(channel, cursor);
			cursorsChanged();
			this.unpositioned++;
			return cursor;
		}
	}

	void removeCursor(ChannelCursor cursor) {
		synchronized (this.outbox.lock()) {
			if (this.cursors.remove(cursor.channel, cursor)) {
				cursor.detached = true;
				cursorsChanged();
				positionedLocked(cursor);
			}
		}
		completeReadyIfDone();
	}

	/**
	 * Gives a cursor its starting position: the last message the client has. With
	 * {@code awaitReplay}, live messages are held until the outbox replays what the
	 * client missed after that position.
	 */
	void position(ChannelCursor cursor, long position, boolean awaitReplay) {
		synchronized (this.outbox.lock()) {
			if (cursor.positioned) {
				return;
			}
			cursor.position = position;
			cursor.emitted = position;
			if (awaitReplay) {
				cursor.held = new ArrayList<>();
			}
			this.idLine = null;
			positionedLocked(cursor);
		}
		completeReadyIfDone();
	}

	private void positionedLocked(ChannelCursor cursor) {
		if (!cursor.positioned) {
			cursor.positioned = true;
			this.unpositioned--;
		}
	}

	private void completeReadyIfDone() {
		Sinks.Empty<Void> sink;
		synchronized (this.outbox.lock()) {
			if (this.unpositioned > 0 && this.channelsAtClose == null) {
				return;
			}
			sink = this.readySink;
			this.readySink = null;
		}
		if (sink != null) {
			// later, since the caller may hold a channel's lock and the stream's writer
			// starts on this signal
			this.manager.runLater(sink::tryEmitEmpty);
		}
	}

	/**
	 * Adds the bytes of one queued entry to a batch; called under the outbox lock.
	 */
	void write(Object entry, List<byte[]> chunks) {
		if (entry instanceof MessageFrame frame) {
			ChannelCursor cursor = cursorOf(frame.channel);
			if (cursor == null || frame.sequence <= cursor.emitted) {
				return;
			}
			cursor.emitted = frame.sequence;
			this.idLine = (this.cursors.size() == 1) ? frame.soloIdLine() : null;
			chunks.add(idLine());
			chunks.add(frame.body);
		}
		else if (entry instanceof ChannelCursor cursor) {
			StateFrame frame = cursor.pendingState;
			cursor.pendingState = null;
			cursor.stateQueued = false;
			if (frame != null && !cursor.detached) {
				chunks.add(idLine());
				chunks.add(frame.body);
			}
		}
		else if (entry instanceof byte[] bytes) {
			chunks.add(bytes);
		}
		else if (entry instanceof Outbox.IdentifiedFrame frame) {
			chunks.add(idLine());
			chunks.add(frame.body());
		}
		else if (entry instanceof Outbox.ResetFrame reset) {
			if (reset.cursor().detached) {
				return;
			}
			reset.cursor().emitted = reset.position();
			this.idLine = null;
			chunks.add(idLine());
			chunks.add(reset.body());
		}
	}

	/**
	 * Finds the cursor of a channel; most connections have one, which needs no hashing.
	 */
	private @Nullable ChannelCursor cursorOf(String channel) {
		ChannelCursor only = this.onlyCursor;
		if (only != null) {
			return only.channel.equals(channel) ? only : null;
		}
		return this.cursors.get(channel);
	}

	private void cursorsChanged() {
		this.idLine = null;
		this.onlyCursor = (this.cursors.size() == 1) ? this.cursors.values().iterator().next() : null;
	}

	private byte[] idLine() {
		byte[] line = this.idLine;
		if (line == null) {
			StringBuilder id = new StringBuilder(24 * this.cursors.size());
			for (ChannelCursor cursor : this.cursors.values()) {
				if (cursor.emitted != ChannelCursor.UNKNOWN) {
					EventIds.append(id, cursor.token, cursor.emitted);
				}
			}
			line = SseEncoder.idLine((id.length() > 0) ? id.toString() : EventIds.EMPTY);
			this.idLine = line;
		}
		return line;
	}

	/**
	 * Drops unsent state versions when the queue overflows; called under the outbox lock.
	 */
	void clearPendingStates() {
		for (ChannelCursor cursor : this.cursors.values()) {
			cursor.pendingState = null;
			cursor.stateQueued = false;
		}
	}

	long now() {
		return this.manager.now();
	}

	EvStreamManager manager() {
		return this.manager;
	}

	void onOverflow() {
		logger.debug("Connection {} could not keep up and is closed; its client resumes from history", this.id);
		release(false);
	}

	void onDisconnect() {
		release(false);
	}

	private boolean isReleased() {
		synchronized (this.outbox.lock()) {
			return this.channelsAtClose != null;
		}
	}

	/**
	 * Stops listening, frees the connection slot, and runs the close callbacks: at once
	 * when the application closed the stream, else later on the manager's scheduler,
	 * since the client's disconnect is seen on an I/O thread, possibly inside a dispatch.
	 */
	void release(boolean callbacksNow) {
		List<ChannelCursor> left;
		Set<String> channels;
		List<Consumer<? super Set<String>>> callbacks;
		synchronized (this.outbox.lock()) {
			if (this.channelsAtClose != null) {
				return;
			}
			channels = Collections.unmodifiableSet(new LinkedHashSet<>(this.cursors.keySet()));
			this.channelsAtClose = channels;
			left = new ArrayList<>(this.cursors.values());
			callbacks = this.closeCallbacks;
			this.closeCallbacks = null;
		}
		for (ChannelCursor cursor : left) {
			this.manager.leave(cursor);
		}
		this.manager.unregister(this);
		completeReadyIfDone();
		if (callbacks != null) {
			if (callbacksNow) {
				callbacks.forEach((callback) -> runCallback(callback, channels));
			}
			else {
				this.manager.runLater(() -> callbacks.forEach((callback) -> runCallback(callback, channels)));
			}
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
