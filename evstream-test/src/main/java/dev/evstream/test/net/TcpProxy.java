package dev.evstream.test.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy for tests, between a client (an application under test) and a server (its
 * Redis, say), that a test can break on purpose:
 * <ul>
 * <li>{@link #cut()} closes every link at once, and refuses new ones (accepted, then
 * closed) until {@link #restore()}: a network that is down;</li>
 * <li>{@link #stall()} stops forwarding bytes in both directions while keeping every
 * socket open, new ones included: a network that silently drops everything, where only
 * timeouts tell;</li>
 * <li>{@link #restore()} forwards again; bytes held back by a stall are then
 * delivered.</li>
 * </ul>
 * Plain blocking sockets, two threads per link: it is meant for a handful of connections.
 *
 * @since 0.1.0
 */
public final class TcpProxy implements AutoCloseable {

	private enum Mode {

		FORWARD, STALL, CUT

	}

	private final InetSocketAddress target;

	private final ServerSocket server;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final Object monitor = new Object();

	private Mode mode = Mode.FORWARD;

	private volatile boolean closed;

	private TcpProxy(InetSocketAddress target, ServerSocket server) {
		this.target = target;
		this.server = server;
	}

	/**
	 * Starts a proxy on a free port of the loopback interface.
	 * @param host the target host
	 * @param port the target port
	 * @return the running proxy
	 */
	public static TcpProxy start(String host, int port) {
		try {
			ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port), server);
			Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept-" + server.getLocalPort());
			acceptor.setDaemon(true);
			acceptor.start();
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the host clients connect to.
	 * @return the loopback address
	 */
	public String host() {
		return this.server.getInetAddress().getHostAddress();
	}

	/**
	 * Returns the port clients connect to.
	 * @return the proxy's port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Returns the number of links open through the proxy.
	 * @return the open links
	 */
	public int links() {
		return this.links.size();
	}

	/**
	 * Closes every link and refuses new ones until {@link #restore()}.
	 */
	public void cut() {
		synchronized (this.monitor) {
			this.mode = Mode.CUT;
			this.monitor.notifyAll();
		}
		for (Link link : List.copyOf(this.links)) {
			link.close();
		}
	}

	/**
	 * Stops forwarding in both directions, keeping every socket open, until
	 * {@link #restore()}.
	 */
	public void stall() {
		synchronized (this.monitor) {
			if (this.mode == Mode.FORWARD) {
				this.mode = Mode.STALL;
			}
		}
	}

	/**
	 * Forwards again, and accepts new links.
	 */
	public void restore() {
		synchronized (this.monitor) {
			this.mode = Mode.FORWARD;
			this.monitor.notifyAll();
		}
	}

	@Override
	public void close() {
		this.closed = true;
		restore();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
		for (Link link : List.copyOf(this.links)) {
			link.close();
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			if (currentMode() == Mode.CUT) {
				closeQuietly(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				upstream.connect(this.target, 5000);
				client.setTcpNoDelay(true);
				upstream.setTcpNoDelay(true);
			}
			catch (IOException ex) {
				closeQuietly(client);
				closeQuietly(upstream);
				continue;
			}
			Link link = new Link(client, upstream);
			this.links.add(link);
			link.start();
		}
	}

	private Mode currentMode() {
		synchronized (this.monitor) {
			return this.mode;
		}
	}

	/**
	 * Blocks while the proxy is stalled.
	 * @return whether to go on forwarding (false once cut or closed)
	 */
	private boolean awaitForwarding() {
		synchronized (this.monitor) {
			while (this.mode == Mode.STALL && !this.closed) {
				try {
					this.monitor.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return this.mode == Mode.FORWARD && !this.closed;
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closing is best effort
		}
	}

	/**
	 * One client connection and its connection to the target, pumped both ways.
	 */
	private final class Link {

		private final Socket client;

		private final Socket upstream;

		private final List<Thread> pumps = new ArrayList<>(2);

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			int port = this.client.getPort();
			this.pumps.add(new Thread(() -> pump(this.client, this.upstream), "tcp-proxy-up-" + port));
			this.pumps.add(new Thread(() -> pump(this.upstream, this.client), "tcp-proxy-down-" + port));
			for (Thread pump : this.pumps) {
				pump.setDaemon(true);
				pump.start();
			}
		}

		private void pump(Socket from, Socket to) {
			byte[] buffer = new byte[16384];
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				// wait before reading, so that a stall leaves the bytes in the kernel's
				// buffers and the sender's window fills as on a real network
				while (awaitForwarding()) {
					int n = in.read(buffer);
					if (n < 0) {
						break;
					}
					if (!awaitForwarding()) {
						break;
					}
					out.write(buffer, 0, n);
					out.flush();
				}
			}
			catch (SocketException ex) {
				// closed by the other pump, by a cut, or by either end
			}
			catch (IOException ex) {
				// the link is over either way
			}
			finally {
				close();
			}
		}

		void close() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			TcpProxy.this.links.remove(this);
		}

	}

}
