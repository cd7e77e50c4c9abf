package dev.evstream.bench.loadgen;

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
	 * Names the transport, for reports.
	 * @return {@code epoll} or {@code nio}
	 */
	public static String name() {
		return EPOLL ? "epoll" : "nio";
	}

}
