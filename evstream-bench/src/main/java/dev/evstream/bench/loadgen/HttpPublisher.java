package dev.evstream.bench.loadgen;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;

/**
 * Sends {@code POST}s over a pool of keep-alive connections, one request at a time per
 * connection, opening another connection rather than waiting when all are busy, so that a
 * slow answer never delays the next publish of an open-loop schedule. Every method runs
 * on the publisher's event loop.
 *
 * @since 0.1.0
 */
final class HttpPublisher {

	private static final AttributeKey<Consumer<Boolean>> OUTCOME = AttributeKey.valueOf("evstream.bench.outcome");

	private final EventLoop loop;

	private final Bootstrap bootstrap;

	private final String host;

	private final String path;

	private final int maxConnections;

	private final ArrayDeque<Channel> idle = new ArrayDeque<>();

	private final ArrayDeque<Request> waiting = new ArrayDeque<>();

	private int open;

	private int maxOpen;

	HttpPublisher(EventLoop loop, InetSocketAddress server, String path, int maxConnections) {
		this.loop = loop;
		this.host = server.getHostString() + ":" + server.getPort();
		this.path = path;
		this.maxConnections = maxConnections;
		this.bootstrap = NettyTransport.httpClient(loop, server, ResponseHandler::new);
	}

	EventLoop loop() {
		return this.loop;
	}

	int maxOpenConnections() {
		return this.maxOpen;
	}

	/**
	 * Sends a request; the body is made at the moment it is written, so that a timestamp
	 * in it is the real send time.
	 */
	void publish(Supplier<byte[]> body, Consumer<Boolean> outcome) {
		Request request = new Request(body, outcome);
		Channel channel = this.idle.pollFirst();
		if (channel != null) {
			send(channel, request);
		}
		else if (this.open < this.maxConnections) {
			connect(request);
		}
		else {
			this.waiting.addLast(request);
		}
	}

	private void connect(Request request) {
		this.open++;
		this.maxOpen = Math.max(this.maxOpen, this.open);
		ChannelFuture future = this.bootstrap.connect();
		future.addListener((f) -> {
			if (f.isSuccess()) {
				Channel channel = future.channel();
				channel.closeFuture().addListener((closed) -> onClosed(channel));
				send(channel, request);
			}
			else {
				this.open--;
				request.outcome.accept(false);
			}
		});
	}

	private void send(Channel channel, Request request) {
		byte[] body = request.body.get();
		FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, this.path,
				Unpooled.wrappedBuffer(body));
		http.headers()
			.set(HttpHeaderNames.HOST, this.host)
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
		channel.attr(OUTCOME).set(request.outcome);
		channel.writeAndFlush(http);
	}

	private void onResponse(Channel channel, FullHttpResponse response) {
		Consumer<Boolean> outcome = channel.attr(OUTCOME).getAndSet(null);
		int status = response.status().code();
		if (outcome != null) {
			outcome.accept(status >= 200 && status < 300);
		}
		if (!HttpUtil.isKeepAlive(response)) {
			channel.close();
			return;
		}
		Request next = this.waiting.pollFirst();
		if (next != null) {
			send(channel, next);
		}
		else {
			this.idle.addLast(channel);
		}
	}

	private void onClosed(Channel channel) {
		this.open--;
		this.idle.remove(channel);
		Consumer<Boolean> outcome = channel.attr(OUTCOME).getAndSet(null);
		if (outcome != null) {
			outcome.accept(false);
		}
		Request next = this.waiting.pollFirst();
		if (next != null) {
			connect(next);
		}
	}

	void close() {
		for (Channel channel : this.idle) {
			channel.close();
		}
	}

	private record Request(Supplier<byte[]> body, Consumer<Boolean> outcome) {
	}

	private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
			onResponse(ctx.channel(), response);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, @Nullable Throwable cause) {
			ctx.close();
		}

	}

}
