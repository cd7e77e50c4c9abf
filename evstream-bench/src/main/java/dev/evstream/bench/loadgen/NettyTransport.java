package dev.evstream.bench.loadgen;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * The Netty transport of the load generator and of the plain Netty server: native epoll
 * where it loads, as Reactor Netty picks for the Spring servers, so that every process of
 * a run uses the same one; NIO elsewhere.
 *
 * @since 0.1.0
 */
public final class NettyTransport {

	private static final boolean EPOLL = Epoll.isAvailable();

	private NettyTransport() {
	}

	/**
	 * Creates an event loop group.
	 * @param threads the number of event loops
	 * @return the group
	 */
	public static EventLoopGroup group(int threads) {
		IoHandlerFactory factory = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		return new MultiThreadIoEventLoopGroup(threads, factory);
	}

	/**
	 * Returns the class of client channels.
	 * @return the socket channel class
	 */
	public static Class<? extends SocketChannel> socketChannel() {
		return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
	}

	/**
	 * Returns the class of server channels.
	 * @return the server socket channel class
	 */
	public static Class<? extends ServerChannel> serverChannel() {
		return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
	}

	/**
	 * Creates the bootstrap of the publishers' HTTP/1.1 connections: no Nagle delay, and
	 * each whole response handed to a handler of the connection's own.
	 * @param loop the event loop of the connections
	 * @param server the server
	 * @param responses makes the handler of one connection's responses
	 * @return the bootstrap
	 */
	static Bootstrap httpClient(EventLoop loop, InetSocketAddress server, Supplier<ChannelHandler> responses) {
		return new Bootstrap().group(loop)
			.channel(socketChannel())
			.option(ChannelOption.TCP_NODELAY, true)
			.remoteAddress(server)
			.handler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel ch) {
					ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), responses.get());
				}

			});
	}

	/**
	 * Names the transport, for reports.
	 * @return {@code epoll} or {@code nio}
	 */
	public static String name() {
		return EPOLL ? "epoll" : "nio";
	}

}
