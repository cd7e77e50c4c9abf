package dev.evstream.bench.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;

/**
 * The SSE connections of a run, all on one event loop so that their accounting needs no
 * lock. Connections are opened a bounded number at a time, each from the next of several
 * loopback source addresses, since one address has too few ephemeral ports for tens of
 * thousands of connections to one server port. With several servers (the replicas of a
 * cluster), the connections go to them round robin, and the accounting keeps the figures
 * of each apart (its group is the server's index).
 *
 * @since 0.1.0
 */
final class ClientFleet {

	private static final int CONNECT_ATTEMPTS = 5;

	private final EventLoop loop;

	private final List<InetSocketAddress> servers;

	private final String pathAndQuery;

	private final List<InetAddress> sources;

	private final int concurrency;

	private final int stalledReceiveBuffer;

	private final DeliveryAccounting accounting;

	private final ConnectionCounts counts = new ConnectionCounts();

	private final List<Channel> channels = new ArrayList<>();

	private final List<Channel> stalled = new ArrayList<>();

	private int nextSource;

	private int nextServer;

	ClientFleet(EventLoop loop, List<InetSocketAddress> servers, String pathAndQuery, List<InetAddress> sources,
			int concurrency, int stalledReceiveBuffer, DeliveryAccounting accounting) {
		this.loop = loop;
		this.servers = List.copyOf(servers);
		this.pathAndQuery = pathAndQuery;
		this.sources = sources;
		this.concurrency = concurrency;
		this.stalledReceiveBuffer = stalledReceiveBuffer;
		this.accounting = accounting;
	}

	DeliveryAccounting accounting() {
		return this.accounting;
	}

	ConnectionCounts counts() {
		return this.counts;
	}

	/**
	 * Runs a task on the connections' event loop and waits for it, which also makes what
	 * the loop wrote visible to the caller.
	 */
	<T> T call(Callable<T> task) {
		try {
			return this.loop.submit(task).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Task on the I/O thread failed", ex.getCause());
		}
	}

	/**
	 * Opens connections.
	 * @param count how many
	 * @param stalledOnes whether they never read, with a small receive buffer so that the
	 * kernel holds little for them
	 * @return completes when every connection is open or has failed for good
	 */
	CompletableFuture<Void> connect(int count, boolean stalledOnes) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.loop.execute(() -> new Opening(count, stalledOnes, done).start());
		return done;
	}

	/**
	 * Returns how many stalled connections are open.
	 */
	int stalledOpen() {
		return call(this.stalled::size);
	}

	/**
	 * Lets the stalled connections read from now on.
	 */
	void resumeStalled() {
		call(() -> {
			for (Channel channel : this.stalled) {
				channel.config().setAutoRead(true);
				channel.read();
			}
			return null;
		});
	}

	/**
	 * Returns how many stalled connections the server has closed or ended.
	 */
	int stalledTerminated() {
		return call(() -> {
			int terminated = 0;
			for (int i = 0; i < this.stalled.size(); i++) {
				if (!this.stalled.get(i).isActive() || stalledTally(i).endReceived()) {
					terminated++;
				}
			}
			return terminated;
		});
	}

	private ConnectionTally stalledTally(int index) {
		int seen = 0;
		for (ConnectionTally tally : this.accounting.connections()) {
			if (tally.stalled() && seen++ == index) {
				return tally;
			}
		}
		throw new IllegalStateException("No stalled connection " + index);
	}

	/**
	 * Closes every connection and waits for it.
	 */
	void closeAll() {
		List<ChannelFuture> closing = call(() -> {
			List<ChannelFuture> futures = new ArrayList<>();
			for (Channel channel : this.channels) {
				futures.add(channel.close());
			}
			for (Channel channel : this.stalled) {
				futures.add(channel.close());
			}
			return futures;
		});
		for (ChannelFuture future : closing) {
			future.awaitUninterruptibly(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * Opens connections a bounded number at a time, on the event loop.
	 */
	private final class Opening {

		private final int count;

		private final boolean stalledOnes;

		private final CompletableFuture<Void> done;

		private int started;

		private int finished;

		Opening(int count, boolean stalledOnes, CompletableFuture<Void> done) {
			this.count = count;
			this.stalledOnes = stalledOnes;
			this.done = done;
		}

		void start() {
			if (this.count == 0) {
				this.done.complete(null);
				return;
			}
			while (this.started < this.count && this.started - this.finished < ClientFleet.this.concurrency) {
				open();
			}
		}

		private void open() {
			this.started++;
			int server = ClientFleet.this.nextServer++ % ClientFleet.this.servers.size();
			ConnectionTally tally = ClientFleet.this.accounting.connection(this.stalledOnes, server);
			InetAddress source = ClientFleet.this.sources
				.get(ClientFleet.this.nextSource++ % ClientFleet.this.sources.size());
			InetSocketAddress address = ClientFleet.this.servers.get(server);
			attempt(bootstrap(tally, address), address, source, 1);
		}

		private Bootstrap bootstrap(ConnectionTally tally, InetSocketAddress server) {
			String host = server.getHostString() + ":" + server.getPort();
			Bootstrap bootstrap = new Bootstrap().group(ClientFleet.this.loop)
				.channel(NettyTransport.socketChannel())
				.option(ChannelOption.TCP_NODELAY, true)
				.handler(new ChannelInitializer<SocketChannel>() {

					@Override
					protected void initChannel(SocketChannel ch) {
						ch.pipeline()
							.addLast(new HttpClientCodec(), new SseConnection(host, ClientFleet.this.pathAndQuery,
									ClientFleet.this.accounting, tally, ClientFleet.this.counts));
					}

				});
			if (this.stalledOnes) {
				bootstrap.option(ChannelOption.AUTO_READ, false)
					.option(ChannelOption.SO_RCVBUF, ClientFleet.this.stalledReceiveBuffer);
			}
			return bootstrap;
		}

		private void attempt(Bootstrap bootstrap, InetSocketAddress server, InetAddress source, int attempt) {
			ChannelFuture future = bootstrap.connect(server, new InetSocketAddress(source, 0));
			future.addListener((f) -> {
				if (f.isSuccess()) {
					ClientFleet.this.counts.connected++;
					(this.stalledOnes ? ClientFleet.this.stalled : ClientFleet.this.channels).add(future.channel());
					finished();
				}
				else if (attempt < CONNECT_ATTEMPTS) {
					ClientFleet.this.loop.schedule(() -> attempt(bootstrap, server, source, attempt + 1),
							100L * attempt, TimeUnit.MILLISECONDS);
				}
				else {
					ClientFleet.this.counts.connectFailures++;
					finished();
				}
			});
		}

		private void finished() {
			this.finished++;
			if (this.finished == this.count) {
				this.done.complete(null);
			}
			else {
				start();
			}
		}

	}

}
