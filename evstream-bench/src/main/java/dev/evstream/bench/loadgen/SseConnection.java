package dev.evstream.bench.loadgen;

import dev.evstream.test.SseEventView;
import dev.evstream.test.SseListener;
import dev.evstream.test.SseParser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One SSE client connection: it sends the {@code GET}, parses the response body as it
 * comes, and counts each payload with the clock at which its event was parsed.
 *
 * @since 0.1.0
 */
final class SseConnection extends ChannelInboundHandlerAdapter implements SseListener {

	private static final int SCRATCH_SIZE = 64 * 1024;

	// all connections share one I/O thread, hence one copy buffer for direct buffers
	private static final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[SCRATCH_SIZE]);

	private final String host;

	private final String pathAndQuery;

	private final DeliveryAccounting accounting;

	private final ConnectionTally tally;

	private final ConnectionCounts counts;

	private final SseParser parser = SseParser.withListener(this);

	private boolean responded;

	SseConnection(String host, String pathAndQuery, DeliveryAccounting accounting, ConnectionTally tally,
			ConnectionCounts counts) {
		this.host = host;
		this.pathAndQuery = pathAndQuery;
		this.accounting = accounting;
		this.tally = tally;
		this.counts = counts;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, this.pathAndQuery);
		request.headers()
			.set(HttpHeaderNames.HOST, this.host)
			.set(HttpHeaderNames.ACCEPT, HttpHeaderValues.TEXT_EVENT_STREAM)
			.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
		ctx.writeAndFlush(request);
		if (this.tally.stalled()) {
			// a stalled connection reads its response head, which says that the server
			// has subscribed it, then nothing until it is resumed
			ctx.read();
		}
		ctx.fireChannelActive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		try {
			if (msg instanceof HttpResponse response) {
				this.responded = true;
				if (response.status().code() == 200) {
					this.counts.okResponses++;
				}
				else {
					this.counts.errorResponses++;
				}
				if (this.tally.stalled()) {
					this.counts.stalledResponses++;
				}
			}
			if (msg instanceof HttpContent content) {
				feed(content.content());
				if (msg instanceof LastHttpContent) {
					this.counts.streamsEnded++;
				}
			}
		}
		finally {
			ReferenceCountUtil.release(msg);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (!this.responded && !ctx.channel().config().isAutoRead()) {
			// the head came in parts: a stalled connection reads on until it has it
			ctx.read();
		}
		ctx.fireChannelReadComplete();
	}

	private void feed(ByteBuf buf) {
		int length = buf.readableBytes();
		if (buf.hasArray()) {
			this.parser.feed(buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
			return;
		}
		byte[] copy = scratch.get();
		int index = buf.readerIndex();
		while (length > 0) {
			int chunk = Math.min(length, copy.length);
			buf.getBytes(index, copy, 0, chunk);
			this.parser.feed(copy, 0, chunk);
			index += chunk;
			length -= chunk;
		}
	}

	@Override
	public void onEvent(SseEventView event) {
		this.tally.event();
		if ("end".equals(event.type())) {
			this.tally.ended();
			return;
		}
		Payload payload = Payload.decode(event.dataBytes(), event.dataLength());
		if (payload != null) {
			this.accounting.received(this.tally, payload, System.nanoTime());
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.counts.closed++;
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		ctx.close();
	}

}
