package dev.evstream.spring.web;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Keeps the HTTP/1.x edges of a Reactor Netty server honest, below WebFlux:
 * <ul>
 * <li>a request of a version other than HTTP/1.0 and HTTP/1.1 (say {@code HTTP/9.9}) is
 * answered {@code 505} with a problem detail, and its connection closed, instead of being
 * served as if it were HTTP/1.1;</li>
 * <li>a request head the codec could not decode (a request line or headers over the
 * server's limits, or malformed) is answered with a problem detail that says what was
 * wrong, with the status Reactor Netty would have sent without a body: {@code 414} for a
 * request line too long, {@code 431} for headers too large, {@code 400} otherwise;</li>
 * <li>a response to an HTTP/1.0 request that would be chunked, which an HTTP/1.0 client
 * cannot read, is sent close-delimited instead: no {@code Transfer-Encoding}, a
 * {@code Connection: close} header, and the connection closed after the body, as HTTP/1.0
 * ends a body of unknown length. A stream therefore works over HTTP/1.0 (a proxy's
 * default upstream version, nginx's among them);</li>
 * <li>a connection closed while its client still sends a request body (the body was
 * refused as too large, or the request asked for the close) is closed after that body is
 * read, for at most {@link #LINGER}: closed with unread bytes, it would be reset, and the
 * client could lose the response.</li>
 * </ul>
 * A refused request is answered after the responses to the requests before it on the
 * connection, then the connection is closed: what follows it is not read. Applies to
 * HTTP/1.x connections (cleartext or TLS without ALPN); HTTP/2 connections are left to
 * the server. Everything runs on the connection's event loop.
 *
 * @since 0.1.0
 */
final class HttpProtocolGuard implements NettyServerCustomizer {

	static final String NAME = "evstream.protocol";

	// how long the rest of a request body is read before a close, at most
	static final Duration LINGER = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(HttpProtocolGuard.class);

	// only echoed in a detail when it looks like a version, never arbitrary client text
	private static final Pattern VERSION = Pattern.compile("[A-Za-z]{1,8}/[0-9]{1,3}\\.[0-9]{1,3}");

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnChannelInit(this::install);
	}

	void install(ConnectionObserver observer, Channel channel, @Nullable SocketAddress remoteAddress) {
		ChannelPipeline pipeline = channel.pipeline();
		if (!Http1Pipelines.accepts(pipeline, NAME)) {
			return;
		}
		pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new Guard());
	}

	static boolean isSupported(HttpVersion version) {
		return HttpVersion.HTTP_1_1.equals(version) || HttpVersion.HTTP_1_0.equals(version);
	}

	static FullHttpResponse problem(HttpResponseStatus status, String detail) {
		String json = "{\"title\":" + quote(status.reasonPhrase()) + ",\"status\":" + status.code() + ",\"detail\":"
				+ quote(detail) + "}";
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		return response;
	}

	static FullHttpResponse refusal(HttpRequest request) {
		DecoderResult result = request.decoderResult();
		if (result.isFailure()) {
			Throwable cause = result.cause();
			if (cause instanceof TooLongHttpLineException) {
				return problem(HttpResponseStatus.REQUEST_URI_TOO_LONG,
						"The request line (method, path and query) is longer than this server accepts ("
								+ cause.getMessage() + "): shorten the query");
			}
			if (cause instanceof TooLongHttpHeaderException) {
				return problem(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
						"The request headers are larger than this server accepts (" + cause.getMessage()
								+ "): send fewer or smaller headers");
			}
			// the cause's message may quote the request: not echoed
			return problem(HttpResponseStatus.BAD_REQUEST,
					"The request head is not valid HTTP/1.1 and could not be read");
		}
		String version = request.protocolVersion().text();
		return problem(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
				(VERSION.matcher(version).matches() ? version : "This HTTP version")
						+ " is not supported: send the request with HTTP/1.1 (or HTTP/1.0)");
	}

	private static String quote(String text) {
		StringBuilder json = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		return json.append('"').toString();
	}

	/**
	 * One connection. Touched on its event loop only.
	 */
	private static final class Guard extends ChannelDuplexHandler {

		// for each request passed on whose response head is not out yet, whether it was
		// HTTP/1.0; sized for one at a time, as nearly every connection has (a default
		// deque would keep 16 slots for the life of each open stream)
		private final ArrayDeque<Boolean> http10 = new ArrayDeque<>(1);

		// a request was passed on whose body has not all arrived
		private boolean receivingBody;

		// the close asked for while the client still sends a body, done once it is read
		private @Nullable ChannelPromise lingeringClose;

		private @Nullable ScheduledFuture<?> lingerEnd;

		// requests passed on whose response has not ended
		private int inFlight;

		private boolean closeAfterResponse;

		private boolean refused;

		private @Nullable FullHttpResponse refusal;

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
			if (this.lingeringClose != null) {
				boolean last = message instanceof LastHttpContent;
				ReferenceCountUtil.release(message);
				if (last) {
					closeNow(context);
				}
				return;
			}
			if (this.refused) {
				ReferenceCountUtil.release(message);
				return;
			}
			if (message instanceof HttpRequest request) {
				if (request.decoderResult().isFailure() || !isSupported(request.protocolVersion())) {
					refuse(context, request);
					return;
				}
				this.http10.add(HttpVersion.HTTP_1_0.equals(request.protocolVersion()));
				this.inFlight++;
			}
			if (message instanceof HttpRequest || message instanceof LastHttpContent) {
				this.receivingBody = !(message instanceof LastHttpContent);
			}
			context.fireChannelRead(message);
		}

		private void refuse(ChannelHandlerContext context, HttpRequest request) {
			FullHttpResponse response = refusal(request);
			ReferenceCountUtil.release(request);
			this.refused = true;
			if (logger.isDebugEnabled()) {
				logger.debug("Refusing a request on " + context.channel() + " with " + response.status());
			}
			if (this.inFlight == 0) {
				context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			}
			else {
				// after the responses to the requests before it
				this.refusal = response;
			}
		}

		@Override
		public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
			if (message instanceof HttpResponse response
					&& response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
				Boolean http10 = this.http10.poll();
				if (Boolean.TRUE.equals(http10) && HttpUtil.isTransferEncodingChunked(response)) {
					// an HTTP/1.0 client reads a body of unknown length up to the close
					HttpUtil.setTransferEncodingChunked(response, false);
					response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
					this.closeAfterResponse = true;
				}
			}
			if (!(message instanceof LastHttpContent)) {
				context.write(message, promise);
				return;
			}
			this.inFlight = Math.max(0, this.inFlight - 1);
			FullHttpResponse refusal = this.refusal;
			if (this.closeAfterResponse || (refusal != null && this.inFlight == 0)) {
				this.closeAfterResponse = false;
				this.refusal = null;
				if (refusal != null) {
					context.write(message, promise);
					context.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
				}
				else {
					context.write(message, promise.unvoid()).addListener(ChannelFutureListener.CLOSE);
				}
				return;
			}
			context.write(message, promise);
		}

		/**
		 * Closes the connection, after reading the rest of a request body the client is
		 * still sending: closed with unread bytes, the connection would be reset, and the
		 * client could lose the response before reading it (a {@code 413} for a body too
		 * large, say, to an HTTP/1.0 proxy). The output is shut first, so that the client
		 * sees the response end; what it sends is read and dropped for at most
		 * {@link #LINGER}.
		 */
		@Override
		public void close(ChannelHandlerContext context, ChannelPromise promise) throws Exception {
			Channel channel = context.channel();
			if (!this.receivingBody || this.lingeringClose != null || !(channel instanceof DuplexChannel duplex)
					|| !channel.isActive()) {
				context.close(promise);
				return;
			}
			this.lingeringClose = promise;
			this.lingerEnd = context.executor()
				.schedule(() -> closeNow(context), LINGER.toMillis(), TimeUnit.MILLISECONDS);
			duplex.shutdownOutput();
			channel.config().setAutoRead(true);
			context.read();
		}

		@Override
		public void channelInactive(ChannelHandlerContext context) throws Exception {
			if (this.lingeringClose != null) {
				closeNow(context);
			}
			super.channelInactive(context);
		}

		private void closeNow(ChannelHandlerContext context) {
			ChannelPromise promise = this.lingeringClose;
			if (promise == null) {
				return;
			}
			this.lingeringClose = null;
			this.receivingBody = false;
			ScheduledFuture<?> lingerEnd = this.lingerEnd;
			if (lingerEnd != null) {
				this.lingerEnd = null;
				lingerEnd.cancel(false);
			}
			context.close(promise);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext context) {
			FullHttpResponse refusal = this.refusal;
			if (refusal != null) {
				this.refusal = null;
				refusal.release();
			}
		}

	}

}
