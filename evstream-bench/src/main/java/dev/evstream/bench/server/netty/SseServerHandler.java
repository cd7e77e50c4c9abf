package dev.evstream.bench.server.netty;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.evstream.bench.server.TimerPublication;
import dev.evstream.bench.server.TimerRequest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The endpoints of the plain Netty server: {@code GET /evstream?channel=} turns the
 * connection into a subscriber, {@code POST /publish?channel=} broadcasts the body as
 * event {@code bench}, {@code POST /timer} broadcasts from a timer on the event loop (see
 * {@link TimerRequest}).
 * <p>
 * Once a subscriber's response head is written, the HTTP codec leaves its pipeline: the
 * broadcaster writes ready-made chunks, which must reach the socket untouched.
 *
 * @since 0.1.0
 */
final class SseServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

	private final Broadcaster broadcaster;

	private final ByteBuf preamble;

	SseServerHandler(Broadcaster broadcaster, ByteBuf preamble) {
		this.broadcaster = broadcaster;
		this.preamble = preamble;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
		QueryStringDecoder uri = new QueryStringDecoder(request.uri());
		List<String> channel = uri.parameters().get("channel");
		if (channel == null || channel.isEmpty() || channel.get(0).isEmpty()) {
			respond(ctx, request, HttpResponseStatus.BAD_REQUEST);
		}
		else if (request.method().equals(HttpMethod.GET) && uri.path().equals("/evstream")) {
			subscribe(ctx, channel.get(0));
		}
		else if (request.method().equals(HttpMethod.POST) && uri.path().equals("/timer")) {
			timer(ctx, request, uri);
		}
		else if (request.method().equals(HttpMethod.POST) && uri.path().equals("/publish")) {
			byte[] body = ByteBufUtil.getBytes(request.content());
			this.broadcaster.publish(channel.get(0),
					SseChunks.event(ctx.alloc(), this.broadcaster.nextId(), "bench", body));
			respond(ctx, request, HttpResponseStatus.OK);
		}
		else {
			respond(ctx, request, HttpResponseStatus.NOT_FOUND);
		}
	}

	/**
	 * Publishes from a task scheduled on the event loop, see {@link TimerRequest}, and
	 * answers with the outcome once every message is sent.
	 */
	private void timer(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
		TimerRequest timer;
		try {
			timer = TimerRequest.of((name) -> {
				List<String> values = uri.parameters().get(name);
				return (values != null && !values.isEmpty()) ? values.get(0) : null;
			});
		}
		catch (IllegalArgumentException ex) {
			respond(ctx, request, HttpResponseStatus.BAD_REQUEST);
			return;
		}
		boolean keepAlive = HttpUtil.isKeepAlive(request);
		TimerPublication.start(timer, ctx.channel().eventLoop(), (body, outcome) -> {
			this.broadcaster.publish(timer.channel(),
					SseChunks.event(ctx.alloc(), this.broadcaster.nextId(), "bench", body));
			outcome.accept(true);
		}).thenAccept((outcome) -> {
			byte[] text = outcome.text().getBytes(StandardCharsets.US_ASCII);
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
					Unpooled.wrappedBuffer(text));
			response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
			HttpUtil.setContentLength(response, text.length);
			HttpUtil.setKeepAlive(response, keepAlive);
			if (keepAlive) {
				ctx.writeAndFlush(response, ctx.voidPromise());
			}
			else {
				ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			}
		});
	}

	private void subscribe(ChannelHandlerContext ctx, String channel) {
		HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_EVENT_STREAM)
			.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
			.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
		ctx.write(response);
		ctx.pipeline().remove(HttpServerCodec.class);
		ctx.pipeline().remove(HttpObjectAggregator.class);
		ctx.writeAndFlush(this.preamble.retainedDuplicate());
		this.broadcaster.subscribe(channel, ctx.channel());
	}

	private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
		HttpUtil.setContentLength(response, 0);
		boolean keepAlive = HttpUtil.isKeepAlive(request);
		HttpUtil.setKeepAlive(response, keepAlive);
		if (keepAlive) {
			ctx.writeAndFlush(response, ctx.voidPromise());
		}
		else {
			ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
