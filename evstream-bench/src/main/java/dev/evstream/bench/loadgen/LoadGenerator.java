package dev.evstream.bench.loadgen;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;

/**
 * The load generator: opens SSE connections to a server, publishes to it at a fixed
 * open-loop rate by {@code POST}, and reports what arrived, how late, at what CPU cost to
 * the server and to itself. In idle mode it measures the server's memory per idle
 * connection instead.
 * <p>
 * Options ({@code --name=value}): {@code host}, {@code port}, {@code path} (the SSE
 * endpoint, default {@code /evstream}), {@code channel}, {@code publish-path} (default
 * {@code /publish?channel=<channel>}), {@code mode} ({@code load} or {@code idle}),
 * {@code clients}, {@code rate} (messages per second), {@code duration} and
 * {@code warmup} (seconds), {@code payload} (bytes), {@code sources} (how many loopback
 * source addresses from 127.0.0.2), {@code stalled} (connections that never read),
 * {@code server-pid}, {@code clk-tck}, {@code scenario}, {@code server}, {@code out} (the
 * result file), {@code ready-timeout} (seconds to wait for the server to accept
 * connections), {@code subscribe-timeout} (seconds to wait for the server to answer the
 * stalled connections), {@code publisher} ({@code burst}, {@code paced} or {@code timer},
 * see {@link PublisherMode}), {@code publish-connections} (at most 64 for {@code burst},
 * 4 for {@code paced}). For the replicas of a cluster: {@code ports} (the clients go to
 * them round robin, and each port's figures are reported apart, {@code .<port>}),
 * {@code publish-port} (the publisher's, default the first), {@code server-pids} (CPU
 * summed over them, each one's apart, {@code .<pid>}), {@code redis-pid} (Redis's CPU,
 * apart).
 *
 * @since 0.1.0
 */
public final class LoadGenerator {

	private final Options options;

	private final long run = new SecureRandom().nextLong() >>> 1;

	private final InetSocketAddress server;

	private final List<InetSocketAddress> servers;

	private final List<String> serverPids;

	private final @Nullable String redisPid;

	private final String pathAndQuery;

	private final int payloadSize;

	private final ServerProbe probe;

	private final ProcReader self;

	private final ResultWriter result = new ResultWriter();

	private int warmSequence;

	private LoadGenerator(Options options) {
		this.options = options;
		String host = options.text("host", "127.0.0.1");
		int port = options.integer("port", 18080);
		this.servers = new ArrayList<>();
		for (int each : ports(options.text("ports", Integer.toString(port)))) {
			this.servers.add(new InetSocketAddress(host, each));
		}
		this.server = new InetSocketAddress(host, options.integer("publish-port", this.servers.get(0).getPort()));
		String channel = options.text("channel", "bench");
		this.pathAndQuery = options.text("path", "/evstream") + "?channel=" + channel;
		this.payloadSize = options.integer("payload", 256);
		ProcReader reader = new ProcReader(Path.of(options.text("proc", "/proc")), options.integer("clk-tck", 100));
		this.serverPids = list(options.text("server-pids", options.text("server-pid", "")));
		this.probe = new ServerProbe(reader, this.serverPids.isEmpty() ? null : this.serverPids.get(0));
		String redis = options.text("redis-pid", "");
		this.redisPid = redis.isEmpty() ? null : redis;
		this.self = reader;
	}

	/**
	 * Reads a list of ports.
	 * @param text ports separated by commas
	 * @return the ports, in order
	 * @throws IllegalArgumentException if there is none, or one is not a port
	 */
	static List<Integer> ports(String text) {
		List<Integer> ports = new ArrayList<>();
		for (String port : list(text)) {
			int value = Integer.parseInt(port);
			if (value < 1 || value > 65535) {
				throw new IllegalArgumentException("Not a port: " + port);
			}
			ports.add(value);
		}
		if (ports.isEmpty()) {
			throw new IllegalArgumentException("No port in '" + text + "'");
		}
		return ports;
	}

	private static List<String> list(String text) {
		List<String> items = new ArrayList<>();
		for (String item : text.split(",")) {
			if (!item.isBlank()) {
				items.add(item.strip());
			}
		}
		return items;
	}

	/**
	 * Runs the load generator.
	 * @param args the options
	 * @throws Exception if the run fails
	 */
	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		LoadGenerator generator = new LoadGenerator(options);
		String text = generator.runMode();
		System.out.print(text);
		String out = options.text("out", "");
		if (!out.isEmpty()) {
			generator.result.write(Path.of(out));
		}
		System.exit(0);
	}

	private String runMode() throws Exception {
		String mode = this.options.text("mode", "load");
		this.result.put("scenario", this.options.text("scenario", "-"))
			.put("server", this.options.text("server", "-"))
			.put("mode", mode)
			.put("transport", NettyTransport.name());
		for (InetSocketAddress each : this.servers) {
			ServerReadiness.await(each, seconds("ready-timeout", 60));
		}
		ServerReadiness.await(this.server, seconds("ready-timeout", 60));
		EventLoopGroup clients = NettyTransport.group(1);
		EventLoopGroup publishers = NettyTransport.group(1);
		try {
			String channel = this.options.text("channel", "bench");
			String publishPath = this.options.text("publish-path", "/publish?channel=" + channel);
			PublisherMode publisherMode = PublisherMode.of(this.options.text("publisher", "burst"));
			int connections = this.options.integer("publish-connections", publisherMode.defaultConnections());
			Publisher.Bodies bodies = (measured,
					sequence) -> new Payload(this.run, measured, sequence, System.nanoTime()).encode(this.payloadSize);
			// the open-loop publisher also fills the stalled connections and warms the
			// idle scenario, whatever publishes the measured messages
			HttpPublisher http = new HttpPublisher(publishers.next(), this.server, publishPath,
					(publisherMode == PublisherMode.BURST) ? connections : 64);
			OpenLoopPublisher burst = new OpenLoopPublisher(http, bodies);
			Publisher publisher = switch (publisherMode) {
				case BURST -> burst;
				case PACED -> new PacedPublisher(publishers.next(), this.server, publishPath, connections, bodies);
				case TIMER ->
					new TimerPublisher(this.server, channel, stateOf(publishPath), this.run, this.payloadSize);
			};
			if (mode.equals("idle")) {
				idle(clients, burst);
			}
			else {
				this.result.put("publisher", publisherMode.label());
				load(clients, burst, publisher);
			}
			publisher.close();
			http.loop().submit(http::close).sync();
			return this.result.text();
		}
		finally {
			clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
			publishers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	private ClientFleet fleet(EventLoopGroup group) throws UnknownHostException {
		List<InetAddress> sources = new ArrayList<>();
		int count = this.options.integer("sources", 8);
		for (int i = 0; i < count; i++) {
			sources.add(InetAddress.getByAddress(new byte[] { 127, 0, 0, (byte) (2 + i) }));
		}
		return new ClientFleet(group.next(), this.servers, this.pathAndQuery, sources,
				this.options.integer("connect-concurrency", 200), this.options.integer("stalled-rcvbuf", 4096),
				new DeliveryAccounting(this.run));
	}

	/**
	 * Returns the state that a publish path sets, so that the timer sets it too.
	 */
	static @Nullable String stateOf(String publishPath) {
		String prefix = "/state/";
		if (!publishPath.startsWith(prefix)) {
			return null;
		}
		int query = publishPath.indexOf('?');
		return publishPath.substring(prefix.length(), (query < 0) ? publishPath.length() : query);
	}

	private void load(EventLoopGroup group, OpenLoopPublisher burst, Publisher publisher) throws Exception {
		int clients = this.options.integer("clients", 1000);
		int stalled = this.options.integer("stalled", 0);
		double rate = this.options.decimal("rate", 100);
		double duration = this.options.decimal("duration", 20);
		double warmup = this.options.decimal("warmup", 5);
		this.result.put("clients", clients)
			.put("rate", rate)
			.put("duration", duration)
			.put("payload", this.payloadSize);
		ClientFleet fleet = fleet(group);
		this.probe.startPeak();
		if (stalled > 0) {
			fleet.connect(stalled, true).join();
			awaitStalledSubscribed(fleet);
			fillStalled(burst);
		}
		fleet.connect(clients, false).join();
		warmUp(fleet, publisher, rate, warmup, clients);

		int messages = (int) Math.round(rate * duration);
		DeliveryAccounting accounting = fleet.accounting();
		fleet.call(() -> {
			accounting.window(messages);
			return null;
		});
		ProcReader.Sample serverBefore = this.probe.read();
		List<ProcReader.Sample> serversBefore = readAll(this.serverPids);
		ProcReader.Sample redisBefore = (this.redisPid != null) ? this.self.read(this.redisPid) : null;
		ProcReader.Sample selfBefore = this.self.read("self");
		PublishOutcome outcome = publisher.run(messages, rate, true, 0)
			.get((long) (duration * 3 + 60), TimeUnit.SECONDS);
		long expected = (long) clients * outcome.accepted();
		drain(fleet, expected);
		ProcReader.Sample serverAfter = this.probe.read();
		List<ProcReader.Sample> serversAfter = readAll(this.serverPids);
		ProcReader.Sample redisAfter = (this.redisPid != null) ? this.self.read(this.redisPid) : null;
		ProcReader.Sample selfAfter = this.self.read("self");
		long peak = this.probe.stopPeak();
		DeliveryAccounting.Summary summary = fleet.call(() -> accounting.summary(outcome.accepted()));

		// the last message owns one slot of the schedule too
		long end = Math.max(outcome.lastSendNanos(), summary.lastDeliveryNanos()) + (long) (1e9 / rate);
		double window = (end - outcome.startNanos()) / 1e9;
		this.result.put("published", outcome.sent())
			.put("accepted", outcome.accepted())
			.put("publishMaxLagMs", outcome.maxLagNanos() / 1e6)
			.put("publishConnections", publisher.connections())
			.put("expected", summary.expected())
			.put("delivered", summary.delivered())
			.put("ratio", summary.ratio())
			.put("duplicates", summary.duplicates())
			.put("foreign", summary.foreign())
			.put("completeClients", summary.completeClients())
			.put("windowSeconds", window)
			.put("deliveriesPerSecond", summary.delivered() / window)
			.put("offeredDeliveriesPerSecond", clients * rate)
			.put("p50Ms", summary.p50Nanos() / 1e6)
			.put("p99Ms", summary.p99Nanos() / 1e6)
			.put("p999Ms", summary.p999Nanos() / 1e6)
			.put("maxMs", summary.maxNanos() / 1e6)
			.put("loadgenCores", selfAfter.coresSince(selfBefore));
		if (this.serverPids.size() > 1) {
			processFigures(serversBefore, serversAfter, summary.delivered());
		}
		if (redisBefore != null && redisAfter != null) {
			long cpu = redisAfter.cpuSince(redisBefore);
			this.result.put("redisCpuSeconds", cpu / 1e9)
				.put("redisCores", redisAfter.coresSince(redisBefore))
				.put("redisCpuMicrosPerDelivery", (summary.delivered() == 0) ? 0 : cpu / 1e3 / summary.delivered())
				.put("redisRssEndMb", redisAfter.rssKb() / 1024.0);
		}
		if (this.servers.size() > 1) {
			portFigures(fleet, outcome);
		}
		if (serverBefore != null && serverAfter != null && this.serverPids.size() <= 1) {
			long cpu = serverAfter.cpuSince(serverBefore);
			this.result.put("serverCpuSeconds", cpu / 1e9)
				.put("serverCores", serverAfter.coresSince(serverBefore))
				.put("serverCpuMicrosPerDelivery", (summary.delivered() == 0) ? 0 : cpu / 1e3 / summary.delivered())
				.put("serverRssStartMb", serverBefore.rssKb() / 1024.0)
				.put("serverRssEndMb", serverAfter.rssKb() / 1024.0)
				.put("serverRssPeakMb", Math.max(peak, serverAfter.rssKb()) / 1024.0);
		}
		connectionFigures(fleet);
		if (stalled > 0) {
			stalledFigures(fleet, stalled);
		}
		fleet.closeAll();
	}

	private List<ProcReader.Sample> readAll(List<String> pids) {
		List<ProcReader.Sample> samples = new ArrayList<>();
		for (String pid : pids) {
			samples.add(this.self.read(pid));
		}
		return samples;
	}

	/**
	 * The figures of several server processes: CPU summed over them, and each one's apart
	 * ({@code .<pid>}).
	 */
	private void processFigures(List<ProcReader.Sample> before, List<ProcReader.Sample> after, long delivered) {
		long cpu = 0;
		double cores = 0;
		double rss = 0;
		for (int i = 0; i < before.size(); i++) {
			String pid = this.serverPids.get(i);
			long each = after.get(i).cpuSince(before.get(i));
			double eachCores = after.get(i).coresSince(before.get(i));
			cpu += each;
			cores += eachCores;
			rss += after.get(i).rssKb() / 1024.0;
			this.result.put("serverCores." + pid, eachCores)
				.put("serverRssEndMb." + pid, after.get(i).rssKb() / 1024.0);
		}
		this.result.put("serverPids", String.join(",", this.serverPids))
			.put("serverCpuSeconds", cpu / 1e9)
			.put("serverCores", cores)
			.put("serverCpuMicrosPerDelivery", (delivered == 0) ? 0 : cpu / 1e3 / delivered)
			.put("serverRssEndMb", rss);
	}

	/**
	 * The figures of the connections to each server port ({@code .<port>}).
	 */
	private void portFigures(ClientFleet fleet, PublishOutcome outcome) {
		double rate = this.options.decimal("rate", 100);
		List<String> ports = new ArrayList<>();
		for (int i = 0; i < this.servers.size(); i++) {
			int group = i;
			String port = Integer.toString(this.servers.get(i).getPort());
			ports.add(port);
			DeliveryAccounting.Summary part = fleet.call(() -> fleet.accounting().summary(outcome.accepted(), group));
			long end = Math.max(outcome.lastSendNanos(), part.lastDeliveryNanos()) + (long) (1e9 / rate);
			double window = (end - outcome.startNanos()) / 1e9;
			this.result.put("clients." + port, part.clients())
				.put("delivered." + port, part.delivered())
				.put("ratio." + port, part.ratio())
				.put("deliveriesPerSecond." + port, part.delivered() / window)
				.put("p50Ms." + port, part.p50Nanos() / 1e6)
				.put("p99Ms." + port, part.p99Nanos() / 1e6)
				.put("p999Ms." + port, part.p999Nanos() / 1e6);
		}
		this.result.put("ports", String.join(",", ports)).put("publishPort", this.server.getPort());
	}

	private void warmUp(ClientFleet fleet, Publisher publisher, double rate, double seconds, int clients)
			throws Exception {
		int count = Math.max(1, (int) Math.round(rate * seconds));
		publisher.run(count, rate, false, this.warmSequence).join();
		this.warmSequence += count;
		long deadline = System.nanoTime() + 30_000_000_000L;
		int warm = fleet.call(fleet.accounting()::warmConnections);
		while (warm < clients && System.nanoTime() < deadline) {
			publisher.run(1, rate, false, this.warmSequence++).join();
			Thread.sleep(500);
			warm = fleet.call(fleet.accounting()::warmConnections);
		}
		this.result.put("warmClients", warm);
	}

	/**
	 * Waits until every stalled connection has its response head: the servers answer it
	 * once the connection is subscribed, and the fill that follows is lost on a
	 * connection that is not.
	 */
	private void awaitStalledSubscribed(ClientFleet fleet) throws InterruptedException {
		Duration timeout = seconds("subscribe-timeout", 30);
		long deadline = System.nanoTime() + timeout.toNanos();
		int open = fleet.stalledOpen();
		int responded = fleet.call(fleet.counts()::stalledResponses);
		while (responded < open) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Only " + responded + " of " + open
						+ " stalled connections received a response within " + timeout.toMillis() + " ms");
			}
			Thread.sleep(20);
			responded = fleet.call(fleet.counts()::stalledResponses);
		}
	}

	/**
	 * Sends large messages while only the stalled connections listen: Linux grows a
	 * loopback send buffer up to 4 MiB, which would hold minutes of the measured traffic
	 * before the server could see that the client does not read.
	 */
	private void fillStalled(OpenLoopPublisher publisher) throws Exception {
		int messages = this.options.integer("stall-fill-messages", 2000);
		int size = this.options.integer("stall-fill-payload", 16 * 1024);
		double rate = this.options.decimal("stall-fill-rate", 400);
		PublishOutcome fill = publisher
			.run(messages, rate, (n) -> () -> new Payload(this.run, false, -1, System.nanoTime()).encode(size))
			.join();
		this.result.put("stallFillMessages", fill.accepted()).put("stallFillBytes", (long) fill.accepted() * size);
	}

	private void drain(ClientFleet fleet, long expected) throws InterruptedException {
		long quiet = (long) (this.options.decimal("quiet-timeout", 3) * 1e9);
		long limit = System.nanoTime() + (long) (this.options.decimal("drain-timeout", 30) * 1e9);
		long last = -1;
		long lastProgress = System.nanoTime();
		while (true) {
			long delivered = fleet.call(fleet.accounting()::delivered);
			long now = System.nanoTime();
			if (delivered >= expected || now > limit) {
				return;
			}
			if (delivered != last) {
				last = delivered;
				lastProgress = now;
			}
			else if (now - lastProgress > quiet) {
				return;
			}
			Thread.sleep(20);
		}
	}

	private void connectionFigures(ClientFleet fleet) {
		ConnectionCounts counts = fleet.call(fleet::counts);
		int connected = fleet.call(counts::connected);
		this.result.put("connected", connected)
			.put("connectFailures", fleet.call(counts::connectFailures))
			.put("httpErrors", fleet.call(counts::errorResponses))
			.put("closedDuringRun", fleet.call(counts::closed));
	}

	private void stalledFigures(ClientFleet fleet, int stalled) throws InterruptedException {
		// the stalled connections read from now on: whatever the server kept for them
		// arrives, then their end if the server closed them
		fleet.resumeStalled();
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (fleet.stalledTerminated() < stalled && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		long delivered = fleet.call(() -> {
			long sum = 0;
			for (ConnectionTally tally : fleet.accounting().connections()) {
				if (tally.stalled()) {
					sum += tally.delivered();
				}
			}
			return sum;
		});
		this.result.put("stalledClients", stalled)
			.put("stalledClosed", fleet.stalledTerminated())
			.put("stalledDelivered", delivered);
	}

	private void idle(EventLoopGroup group, OpenLoopPublisher publisher) throws Exception {
		int clients = this.options.integer("clients", 19000);
		this.result.put("clients", clients);
		// warm the server's paths and pools first, so that the baseline is not a cold JVM
		ClientFleet warmFleet = fleet(group);
		int warmClients = Math.min(clients, this.options.integer("idle-warmup-clients", 1000));
		warmFleet.connect(warmClients, false).join();
		warmUp(warmFleet, publisher, 10, 3, warmClients);
		warmFleet.closeAll();
		Thread.sleep(2000);
		this.probe.gc();
		Thread.sleep(2000);
		ProcReader.Sample empty = this.probe.read();
		long emptyHeapKb = this.probe.heapUsedKb();

		ClientFleet fleet = fleet(group);
		fleet.connect(clients, false).join();
		warmUp(fleet, publisher, 1, 1, clients);
		Thread.sleep((long) (this.options.decimal("idle-settle", 5) * 1000));
		this.probe.gc();
		Thread.sleep(2000);
		ProcReader.Sample loaded = this.probe.read();
		long loadedHeapKb = this.probe.heapUsedKb();
		connectionFigures(fleet);
		if (empty != null && loaded != null) {
			long connected = fleet.call(fleet.counts()::connected);
			this.result.put("serverRssEmptyMb", empty.rssKb() / 1024.0)
				.put("serverRssIdleMb", loaded.rssKb() / 1024.0)
				.put("rssBytesPerConnection", (loaded.rssKb() - empty.rssKb()) * 1024.0 / Math.max(1, connected))
				.put("heapBytesPerConnection", (loadedHeapKb - emptyHeapKb) * 1024.0 / Math.max(1, connected));
		}
		fleet.closeAll();
	}

	private Duration seconds(String option, double defaultSeconds) {
		return Duration.ofMillis((long) (this.options.decimal(option, defaultSeconds) * 1000));
	}

}
