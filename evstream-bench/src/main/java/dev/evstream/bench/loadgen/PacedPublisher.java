package dev.evstream.bench.loadgen;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
 * Publishes one message at a time at a fixed rate over a few keep-alive HTTP/1.1
 * connections, round robin, with at most one request in flight per connection: message
 * {@code n} is due at {@code start + n / rate} on connection {@code n mod connections}
 * (see {@link PacedSchedule}), and waits while that connection's previous request is
 * unanswered. A server that cannot keep up therefore holds the publisher back, and the
 * delay shows in the lag, instead of facing a growing pile of concurrent requests as with
 * the open-loop publisher. Every method runs on the publisher's event loop.
 *
 * @since 0.1.0
 */
final class PacedPublisher implements Publisher {

	private static final AttributeKey<Slot> SLOT = AttributeKey.valueOf("evstream.bench.slot");

	private final EventLoop loop;

	private final Bootstrap bootstrap;

	private final String host;

	private final String path;

	private final Bodies bodies;

	private final Slot[] slots;

	private @Nullable Run current;

	PacedPublisher(EventLoop loop, InetSocketAddress server, String path, int connections, Bodies bodies) {
		this.loop = loop;
		this.host = server.getHostString() + ":" + server.getPort();
		this.path = path;
		this.bodies = bodies;
		this.slots = new Slot[connections];
		for (int i = 0; i < connections; i++) {
			this.slots[i] = new Slot();
		}
		this.bootstrap = NettyTransport.httpClient(loop, server, ResponseHandler::new);
	}

	@Override
	public CompletableFuture<PublishOutcome> run(int count, double rate, boolean measured, long first) {
		CompletableFuture<PublishOutcome> done = new CompletableFuture<>();
		this.loop.execute(() -> {
			Run run = new Run(count, rate, measured, first, done);
			this.current = run;
			run.start();
		});
		return done;
	}

	@Override
	public int connections() {
		return this.slots.length;
	}

	@Override
	public void close() {
		this.loop.execute(() -> {
			for (Slot slot : this.slots) {
				if (slot.channel != null) {
					slot.channel.close();
				}
			}
		});
	}

	private void connect(Slot slot) {
		slot.connecting = true;
		ChannelFuture connecting = this.bootstrap.connect();
		connecting.addListener((future) -> {
			slot.connecting = false;
			Channel channel = connecting.channel();
			if (future.isSuccess()) {
				channel.attr(SLOT).set(slot);
				slot.channel = channel;
				channel.closeFuture().addListener((closed) -> onClosed(slot, channel));
			}
			else {
				slot.failed = true;
			}
			advance();
		});
	}

	private void send(Slot slot, byte[] body, Run run) {
		Channel channel = slot.channel;
		FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, this.path,
				Unpooled.wrappedBuffer(body));
		http.headers()
			.set(HttpHeaderNames.HOST, this.host)
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
		slot.busy = run;
		if (channel != null) {
			channel.writeAndFlush(http);
		}
	}

	private void onResponse(Slot slot, Channel channel, FullHttpResponse response) {
		Run run = slot.busy;
		slot.busy = null;
		if (run != null) {
			int status = response.status().code();
			run.answered(status >= 200 && status < 300);
		}
		if (!HttpUtil.isKeepAlive(response)) {
			channel.close();
		}
		advance();
	}

	private void onClosed(Slot slot, Channel channel) {
		if (slot.channel == channel) {
			slot.channel = null;
		}
		Run run = slot.busy;
		slot.busy = null;
		if (run != null) {
			run.answered(false);
		}
		advance();
	}

	private void advance() {
		if (this.current != null) {
			this.current.run();
		}
	}

	/**
	 * One connection of the publisher.
	 */
	private static final class Slot {

		@Nullable Channel channel;

		/**
		 * The run whose request is in flight on this connection, if any.
		 */
		@Nullable Run busy;

		boolean connecting;

		/**
		 * Whether the last attempt to connect failed: the next message due on this
		 * connection then fails rather than waiting for ever.
		 */
		boolean failed;

	}

	private final class Run implements Runnable {

		private final int count;

		private final double rate;

		private final boolean measured;

		private final long first;

		private final CompletableFuture<PublishOutcome> done;

		private @Nullable PacedSchedule schedule;

		private long lastSend;

		private int sent;

		private int answered;

		private int accepted;

		private @Nullable ScheduledFuture<?> ticks;

		Run(int count, double rate, boolean measured, long first, CompletableFuture<PublishOutcome> done) {
			this.count = count;
			this.rate = rate;
			this.measured = measured;
			this.first = first;
			this.done = done;
		}

		void start() {
			long now = System.nanoTime();
			this.schedule = new PacedSchedule(now, this.rate, PacedPublisher.this.slots.length);
			this.lastSend = now;
			if (this.count == 0) {
				finish();
				return;
			}
			this.ticks = PacedPublisher.this.loop.scheduleAtFixedRate(this, 0, 1, TimeUnit.MILLISECONDS);
		}

		@Override
		public void run() {
			PacedSchedule schedule = this.schedule;
			if (schedule == null) {
				return;
			}
			long now = System.nanoTime();
			while (this.sent < this.count) {
				if (schedule.dueNanos(this.sent) > now) {
					break;
				}
				Slot slot = PacedPublisher.this.slots[schedule.connection(this.sent)];
				if (slot.failed) {
					slot.failed = false;
					schedule.sent(this.sent, now);
					this.sent++;
					answered(false);
					continue;
				}
				if (slot.busy != null || slot.connecting) {
					// the next message waits for its connection, and so does the rest
					break;
				}
				if (slot.channel == null || !slot.channel.isActive()) {
					connect(slot);
					break;
				}
				byte[] body = PacedPublisher.this.bodies.body(this.measured, this.first + this.sent);
				now = System.nanoTime();
				schedule.sent(this.sent, now);
				this.lastSend = now;
				this.sent++;
				send(slot, body, this);
			}
			if (this.sent == this.count && this.ticks != null) {
				this.ticks.cancel(false);
				this.ticks = null;
			}
		}

		void answered(boolean ok) {
			this.answered++;
			if (ok) {
				this.accepted++;
			}
			if (this.answered == this.count) {
				finish();
			}
		}

		private void finish() {
			PacedSchedule schedule = this.schedule;
			long start = (schedule != null) ? schedule.startNanos() : this.lastSend;
			long lag = (schedule != null) ? schedule.maxLagNanos() : 0;
			if (PacedPublisher.this.current == this) {
				PacedPublisher.this.current = null;
			}
			this.done.complete(new PublishOutcome(this.count, this.accepted, lag, start, this.lastSend));
		}

	}

	private final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
			Slot slot = ctx.channel().attr(SLOT).get();
			if (slot != null) {
				onResponse(slot, ctx.channel(), response);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, @Nullable Throwable cause) {
			ctx.close();
		}

	}

}
