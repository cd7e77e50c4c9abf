package dev.evstream.core;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.evstream.core.auth.EvPrincipal;
import dev.evstream.core.bus.BusEvent;
import dev.evstream.core.bus.BusListener;
import dev.evstream.core.bus.ChannelMessage;
import dev.evstream.core.bus.DirectMessage;
import dev.evstream.core.metrics.StreamMetrics;
import org.jspecify.annotations.Nullable;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * This instance's streams and channels within their limits: which streams are open, which
 * channels each listens to, and which channels exist. It takes the bus's events to the
 * channels and streams they are for.
 */
final class StreamRegistry implements BusListener {

	private static final Logger logger = Loggers.getLogger(StreamRegistry.class);

	private static final SecureRandom random = new SecureRandom();

	private final Engine engine;

	private final Limits limits;

	private final String idPrefix;

	private final ConcurrentMap<String, EvStream> streams = new ConcurrentHashMap<>();

	private final Set<EvStream> closing = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connections = new AtomicInteger();

	private final ChannelRegistry channels;

	private volatile boolean shutdown;

	StreamRegistry(Engine engine, Limits limits, String idPrefix) {
		this.engine = engine;
		this.limits = limits;
		this.idPrefix = idPrefix;
		this.channels = new ChannelRegistry((name) -> new Channel(name, engine));
	}

	/**
	 * The limits of one instance.
	 *
	 * @param maxConnections open streams
	 * @param maxListeners listeners of one channel
	 * @param maxChannelsPerConnection channels of one stream
	 * @param maxChannels channels in use
	 * @param claimTimeout the time within which an open stream must start being written
	 */
	record Limits(int maxConnections, int maxListeners, int maxChannelsPerConnection, int maxChannels,
			Duration claimTimeout) {
	}

	Limits limits() {
		return this.limits;
	}

	// ---- streams

	/**
	 * Opens a stream within the connection limit.
	 * @throws EvMaxConnectionsException if the connection limit is reached
	 * @throws EvShutdownException if the instance is shutting down
	 */
	EvStream open(EvPrincipal principal) {
		if (this.shutdown) {
			this.engine.metrics.connectionRejected(StreamMetrics.Rejection.SHUTDOWN);
			throw new EvShutdownException();
		}
		while (true) {
			int current = this.connections.get();
			if (current >= this.limits.maxConnections()) {
				this.engine.metrics.connectionRejected(StreamMetrics.Rejection.MAX_CONNECTIONS);
				throw new EvMaxConnectionsException(this.limits.maxConnections());
			}
			if (this.connections.compareAndSet(current, current + 1)) {
				break;
			}
		}
		EvStream stream = new EvStream(newConnectionId(), principal, this.engine, this);
		this.streams.put(stream.id(), stream);
		this.engine.metrics.connectionOpened();
		return stream;
	}

	private String newConnectionId() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return this.idPrefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/**
	 * Closes a stream that nobody started writing within the claim timeout, counted from
	 * now: its request was abandoned.
	 */
	void closeIfUnclaimedLater(EvStream stream) {
		// by id, so that a stream released meanwhile is not kept until the check
		String id = stream.id();
		this.engine.runLater(() -> closeIfUnclaimed(id), this.limits.claimTimeout());
	}

	private void closeIfUnclaimed(String id) {
		EvStream stream = this.streams.get(id);
		if (stream != null && !stream.connection.output.isClaimed() && !stream.isClosed()) {
			logger.debug("Connection {} was not written within {} and is closed", id, this.limits.claimTimeout());
			this.engine.metrics.connectionUnclaimed();
			stream.release(true);
		}
	}

	/**
	 * Forgets a released stream and frees its slot; one still closing is watched until it
	 * is written or stalls.
	 */
	void unregister(EvStream stream) {
		if (this.streams.remove(stream.id(), stream)) {
			this.connections.decrementAndGet();
			this.engine.metrics.connectionClosed();
			if (stream.connection.isClosing()) {
				this.closing.add(stream);
			}
		}
	}

	@Nullable EvStream get(String connectionId) {
		return this.streams.get(connectionId);
	}

	List<EvStream> openStreams() {
		return new ArrayList<>(this.streams.values());
	}

	int connectionCount() {
		return this.connections.get();
	}

	void refuseNewStreams() {
		this.shutdown = true;
	}

	void acceptNewStreams() {
		this.shutdown = false;
	}

	boolean isShutdown() {
		return this.shutdown;
	}

	/**
	 * Sends a heartbeat to every stream with nothing else to write, and aborts the closed
	 * streams whose clients stopped reading their last events.
	 */
	void tick(Duration closeTimeout) {
		long now = this.engine.now();
		for (EvStream stream : this.streams.values()) {
			stream.connection.offerHeartbeat();
		}
		long timeout = closeTimeout.toMillis();
		for (EvStream stream : this.closing) {
			if (stream.connection.isDone() || stream.connection.abortIfStalled(stream.id(), now, timeout)) {
				this.closing.remove(stream);
			}
		}
	}

	// ---- channels

	/**
	 * Makes a stream listen to a channel, from a position when it resumes.
	 */
	void listen(EvStream stream, String channel, @Nullable Long resumeFrom) {
		long from = (resumeFrom != null) ? resumeFrom : ChannelCursor.UNKNOWN;
		// a channel in use lends its name and token, so that its thousands of listeners
		// do not each keep copies of them
		Channel known = this.channels.get(channel);
		String name = (known != null) ? known.name : channel;
		String token = (known != null) ? known.token : EventIds.token(channel);
		ChannelCursor cursor = stream.connection.addCursor(stream.id(), name, token, from,
				this.limits.maxChannelsPerConnection());
		if (cursor == null) {
			return;
		}
		try {
			while (!this.channels.acquire(name, this.limits.maxChannels()).join(cursor, this.limits.maxListeners())) {
				// the channel was retired between acquire and join: take its successor
			}
		}
		catch (RuntimeException ex) {
			stream.connection.removeCursor(cursor);
			throw ex;
		}
		this.engine.membership().joined(name, stream.id(), stream.principal());
	}

	/**
	 * Removes a stream's cursor from its channel, and the channel once nobody uses it.
	 */
	void leave(EvStream stream, ChannelCursor cursor) {
		Channel channel = this.channels.get(cursor.channel);
		if (channel != null && channel.leave(cursor)) {
			// later, since a connection may be released inside another channel's dispatch
			this.engine.runLater(() -> this.channels.retireIfIdle(channel));
		}
		this.engine.membership().left(cursor.channel, stream.id(), stream.principal());
	}

	/**
	 * Makes a state version current on its channel and sends it to the listeners.
	 */
	void publishState(StateFrame frame) {
		// states are the application's: they are never refused for the channel limit
		while (!this.channels.acquire(frame.channel, Integer.MAX_VALUE).publishState(frame)) {
			// the channel was retired between acquire and publish: take its successor
		}
	}

	/**
	 * Ends a removed life of a state on its channel: its listeners get its last frame,
	 * and the channel forgets it.
	 */
	void endState(StateFrame last) {
		Channel existing = this.channels.get(last.channel);
		if (existing != null) {
			existing.endState(last);
			this.channels.retireIfIdle(existing);
		}
	}

	@Nullable Channel channel(String name) {
		return this.channels.get(name);
	}

	Collection<Channel> channels() {
		return this.channels.all();
	}

	int channelCount() {
		return this.channels.size();
	}

	// ---- the bus

	@Override
	public void onEvent(BusEvent event) {
		if (event instanceof ChannelMessage message) {
			Channel channel = this.channels.get(message.channel());
			if (channel != null) {
				channel.onMessage(message);
			}
		}
		else if (event instanceof DirectMessage direct) {
			EvStream stream = this.streams.get(direct.connectionId());
			if (stream != null) {
				stream.connection.offerBytes(SseEncoder.encode(direct.id(), direct.event(), direct.data()));
			}
		}
	}

	@Override
	public void onDataLost() {
		for (Channel channel : this.channels.all()) {
			channel.onDataLost();
		}
	}

	@Override
	public void onResync() {
		this.engine.metrics.busResynced();
		for (Channel channel : this.channels.all()) {
			channel.resync();
		}
	}

}
