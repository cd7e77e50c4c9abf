package dev.evstream.spring.web;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.evstream.core.metrics.StreamMetrics;
import dev.evstream.core.metrics.StreamMetrics.Rejection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Bounds what connections that carry no stream may hold on a Reactor Netty server: the
 * request head must arrive within a timeout, and the number of such connections is
 * limited. Without it, a socket that sends nothing, or its headers a byte at a time,
 * holds a file descriptor for as long as its peer wishes, uncounted.
 * <p>
 * The request timeout runs from the accept on a new connection, and from the first byte
 * of the next request on a kept-alive one (silence between requests is the idle timeout,
 * Reactor Netty's). It stops when the whole head is decoded: a request being read or
 * answered is not timed. A connection is pending from its accept until it sends the head
 * of a stream ({@code 200} with {@code text/event-stream}) or switches protocols
 * ({@code 101}); a connection whose stream has ended is closed once its last bytes are
 * written, rather than kept alive. A connection accepted beyond the limit makes room by
 * closing the oldest connection still waiting for a request head (silent, trickling, or
 * idle between requests), so that a flood of such sockets does not lock out clients that
 * send their request at once; when every pending connection has sent its head, the new
 * one is closed at once instead, before anything of it is read. Either way the client
 * sees a network error, which {@code EventSource} retries after its reconnection delay.
 * <p>
 * Applies to HTTP/1.1 connections (cleartext or TLS without ALPN); HTTP/2 connections are
 * left to the server's own settings. Everything runs on the connection's event loop, with
 * one timer per connection while its head is awaited.
 */
final class ConnectionGuard implements NettyServerCustomizer {

	static final String INBOUND = "evstream.guard.inbound";

	static final String HTTP = "evstream.guard.http";

	private static final Log logger = LogFactory.getLog(ConnectionGuard.class);

	private final long requestTimeoutNanos;

	private final int maxPending;

	private final @Nullable Duration idleTimeout;

	private final StreamMetrics metrics;

	private final AtomicInteger pending = new AtomicInteger();

	// connections waiting for a request head, oldest first: the ones to close for a new
	// one
	private final ConcurrentSkipListMap<Long, Watch> waiting = new ConcurrentSkipListMap<>();

	private final AtomicLong order = new AtomicLong();

	/**
	 * Creates the guard.
	 * @param requestTimeout the longest time for a request head to arrive
	 * @param maxPending the maximum number of connections that carry no stream
	 * @param idleTimeout the idle timeout to set on the server, or {@code null} to leave
	 * it as it is
	 * @param metrics what counts the connections closed
	 */
	ConnectionGuard(Duration requestTimeout, int maxPending, @Nullable Duration idleTimeout, StreamMetrics metrics) {
		this.requestTimeoutNanos = requestTimeout.toNanos();
		this.maxPending = maxPending;
		this.idleTimeout = idleTimeout;
		this.metrics = metrics;
	}

	@Override
	public HttpServer apply(HttpServer server) {
		HttpServer guarded = server.doOnChannelInit(this::install);
		return (this.idleTimeout != null) ? guarded.idleTimeout(this.idleTimeout) : guarded;
	}

	/**
	 * Returns the number of connections that carry no stream.
	 * @return the number of pending connections
	 */
	int pendingCount() {
		return this.pending.get();
	}

	void install(ConnectionObserver observer, Channel channel, @Nullable SocketAddress remoteAddress) {
		ChannelPipeline pipeline = channel.pipeline();
		if (!Http1Pipelines.accepts(pipeline, INBOUND)) {
			return;
		}
		Watch watch = new Watch(channel);
		pipeline.addBefore(NettyPipeline.HttpCodec, INBOUND, watch.new Bytes());
		pipeline.addAfter(NettyPipeline.HttpCodec, HTTP, watch.new Messages());
	}

	private static boolean isStream(HttpResponse response) {
		String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
		return response.status().code() == 200 && contentType != null
				&& contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
	}

	/**
	 * One connection, seen from two places in its pipeline: before the HTTP codec (bytes,
	 * activity) and after it (request heads in, response heads and ends out). Touched on
	 * the connection's event loop only.
	 */
	private final class Watch {

		private final Channel channel;

		private boolean counted;

		private boolean refused;

		private boolean upgraded;

		private boolean streaming;

		private long requests;

		private long responses;

		private long waitingSince;

		private @Nullable ScheduledFuture<?> deadline;

		Watch(Channel channel) {
			this.channel = channel;
		}

		private boolean admit() {
			if (ConnectionGuard.this.pending.incrementAndGet() > ConnectionGuard.this.maxPending) {
				ConnectionGuard.this.pending.decrementAndGet();
				Map.Entry<Long, Watch> oldest = ConnectionGuard.this.waiting.pollFirstEntry();
				if (oldest == null) {
					return false;
				}
				// the oldest connection still waiting for a head makes room: under a
				// flood of silent sockets, a client that sends its request at once is
				// served
				Watch victim = oldest.getValue();
				long since = oldest.getKey();
				victim.channel.eventLoop().execute(() -> victim.evict(since));
				ConnectionGuard.this.pending.incrementAndGet();
			}
			this.counted = true;
			return true;
		}

		private void evict(long since) {
			// unless it has sent a head since it was chosen
			if (this.waitingSince == since && awaitingHead() && this.channel.isActive()) {
				this.waitingSince = 0;
				stopTimer();
				leavePending();
				ConnectionGuard.this.metrics.connectionRejected(Rejection.MAX_PENDING_CONNECTIONS);
				if (logger.isDebugEnabled()) {
					logger.debug("Closing " + this.channel + " to make room for a new connection: "
							+ ConnectionGuard.this.maxPending + " connections without a stream already open");
				}
				this.channel.close();
			}
		}

		private void startWaiting() {
			if (this.waitingSince == 0 && this.counted && awaitingHead()) {
				this.waitingSince = ConnectionGuard.this.order.incrementAndGet();
				ConnectionGuard.this.waiting.put(this.waitingSince, this);
			}
		}

		private void stopWaiting() {
			if (this.waitingSince != 0) {
				ConnectionGuard.this.waiting.remove(this.waitingSince, this);
				this.waitingSince = 0;
			}
		}

		private void leavePending() {
			if (this.counted) {
				this.counted = false;
				ConnectionGuard.this.pending.decrementAndGet();
			}
		}

		private boolean awaitingHead() {
			return !this.upgraded && this.requests == this.responses;
		}

		private void startTimer() {
			if (this.deadline == null && awaitingHead()) {
				this.deadline = this.channel.eventLoop()
					.schedule(this::expire, ConnectionGuard.this.requestTimeoutNanos, TimeUnit.NANOSECONDS);
			}
		}

		private void stopTimer() {
			ScheduledFuture<?> deadline = this.deadline;
			if (deadline != null) {
				this.deadline = null;
				deadline.cancel(false);
			}
		}

		private void expire() {
			this.deadline = null;
			if (this.channel.isActive() && awaitingHead()) {
				ConnectionGuard.this.metrics.connectionRejected(Rejection.REQUEST_TIMEOUT);
				if (logger.isDebugEnabled()) {
					logger.debug("Closing " + this.channel + ": no complete request head within the request timeout");
				}
				this.channel.close();
			}
		}

		/**
		 * Before the codec: accepts or refuses the connection, and starts the timer at
		 * the first byte of a request.
		 */
		private final class Bytes extends ChannelInboundHandlerAdapter {

			@Override
			public void channelActive(ChannelHandlerContext context) throws Exception {
				if (!admit()) {
					Watch.this.refused = true;
					ConnectionGuard.this.metrics.connectionRejected(Rejection.MAX_PENDING_CONNECTIONS);
					if (logger.isDebugEnabled()) {
						logger.debug("Closing " + context.channel() + ": " + ConnectionGuard.this.maxPending
								+ " connections without a stream already open");
					}
				}
				else {
					startTimer();
					startWaiting();
				}
				super.channelActive(context);
				if (Watch.this.refused) {
					context.close();
				}
			}

			@Override
			public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
				if (Watch.this.refused) {
					ReferenceCountUtil.release(message);
					return;
				}
				startTimer();
				super.channelRead(context, message);
			}

			@Override
			public void channelInactive(ChannelHandlerContext context) throws Exception {
				stopTimer();
				stopWaiting();
				leavePending();
				super.channelInactive(context);
			}

		}

		/**
		 * After the codec: a decoded request head stops the timer; a stream's response
		 * head takes the connection out of the pending ones, and its end closes it.
		 */
		private final class Messages extends ChannelDuplexHandler {

			@Override
			public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
				if (message instanceof HttpRequest) {
					Watch.this.requests++;
					stopTimer();
					stopWaiting();
				}
				super.channelRead(context, message);
			}

			@Override
			public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
				if (!Watch.this.upgraded) {
					if (message instanceof HttpResponse response) {
						if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
							if (response.status().code() == 101) {
								Watch.this.upgraded = true;
								stopTimer();
								stopWaiting();
								leavePending();
							}
							// 100 Continue is not the response yet
							context.write(message, promise);
							return;
						}
						if (isStream(response)) {
							Watch.this.streaming = true;
							leavePending();
							// the connection ends with its stream: no request head is
							// awaited
							// again, and the bytes need no watching for hours
							if (context.pipeline().context(INBOUND) != null) {
								context.pipeline().remove(INBOUND);
							}
						}
					}
					if (message instanceof LastHttpContent) {
						Watch.this.responses++;
						if (Watch.this.streaming) {
							// a stream's client reconnects with a new request anyway: a
							// connection kept alive after it would only linger
							ChannelPromise written = promise.unvoid();
							written.addListener(ChannelFutureListener.CLOSE);
							context.write(message, written);
							return;
						}
						startWaiting();
					}
				}
				context.write(message, promise);
			}

		}

	}

}
