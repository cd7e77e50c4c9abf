package dev.evstream.bench.server.netty;

import java.util.concurrent.TimeUnit;

import dev.evstream.bench.loadgen.NettyTransport;
import dev.evstream.bench.loadgen.Options;
import dev.evstream.bench.server.BenchPorts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

/**
 * The plain Netty reference server: the practical limit of SSE fan-out on one core. One
 * event loop serves every connection; each event is encoded once, as a ready HTTP chunk,
 * and the same buffer is written to every subscriber, flushed once per event-loop pass.
 * It sends {@code retry: 3000} on subscribe and a heartbeat every 15 seconds, as evstream
 * does.
 * <p>
 * Options: {@code --port}, {@code --max-pending-bytes} (unsent bytes at which a
 * subscriber is closed, default 512 KiB, about evstream's 1024 queued events).
 *
 * @since 0.1.0
 */
public final class PlainNettyServer {

	private PlainNettyServer() {
	}

	/**
	 * Starts the server and serves until the process ends.
	 * @param args the options
	 * @throws InterruptedException if interrupted while serving
	 */
	public static void main(String[] args) throws InterruptedException {
		Options options = Options.parse(args);
		int port = options.integer("port", BenchPorts.DEFAULT);
		long maxPending = options.integer("max-pending-bytes", 512 * 1024);
		EventLoopGroup group = NettyTransport.group(1);
		EventLoop loop = group.next();
		Broadcaster broadcaster = new Broadcaster(loop, maxPending);
		ByteBuf preamble = Unpooled.unreleasableBuffer(SseChunks.raw(ByteBufAllocator.DEFAULT, "retry: 3000\n\n"));
		ByteBuf heartbeat = Unpooled
			.unreleasableBuffer(SseChunks.raw(ByteBufAllocator.DEFAULT, "event: heartbeat\ndata:\n\n"));
		loop.scheduleAtFixedRate(() -> broadcaster.publishToAll(heartbeat.retainedDuplicate()), 15, 15,
				TimeUnit.SECONDS);
		Channel server = new ServerBootstrap().group(group)
			.channel(NettyTransport.serverChannel())
			.option(ChannelOption.SO_BACKLOG, 4096)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel ch) {
					ch.pipeline()
						.addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
								new SseServerHandler(broadcaster, preamble), new Discard());
				}

			})
			.bind(port)
			.sync()
			.channel();
		System.out.println("Plain Netty SSE server on port " + port + " (" + NettyTransport.name() + ")");
		server.closeFuture().sync();
	}

	/**
	 * Drops what a subscriber sends after its request, once the codec is gone.
	 */
	private static final class Discard extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

	}

}
