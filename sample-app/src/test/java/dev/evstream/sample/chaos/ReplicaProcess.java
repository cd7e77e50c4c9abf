package dev.evstream.sample.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.evstream.test.net.TcpProxy;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One replica of the deployment: the packaged sample app in a JVM of its own, with the
 * {@code redis} profile, reaching Redis through a {@link TcpProxy} of its own so that a
 * test can cut or stall that one link. Being a process, it can be killed with
 * {@code SIGKILL}.
 */
final class ReplicaProcess implements AutoCloseable {

	static final Path JAR = Path.of("target", "evstream-sample-app.jar");

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private final String name;

	private final TcpProxy proxy;

	private final Map<String, String> environment;

	private final Path log;

	private volatile @Nullable Process process;

	private volatile int port;

	/**
	 * Whether the replica serves: started, and not killed since.
	 */
	private volatile boolean serving;

	private volatile long logOffset;

	private ReplicaProcess(String name, TcpProxy proxy, Map<String, String> environment) {
		this.name = name;
		this.proxy = proxy;
		this.environment = environment;
		this.log = Path.of("target", "chaos-" + name + ".log");
	}

	/**
	 * Launches a replica; {@link #awaitStarted()} waits for it to serve.
	 */
	static ReplicaProcess launch(String name, String redisHost, int redisPort, Map<String, String> environment) {
		assertThat(JAR).as("the packaged sample app (run the package phase first)").exists();
		ReplicaProcess replica = new ReplicaProcess(name, TcpProxy.start(redisHost, redisPort), environment);
		replica.launch();
		return replica;
	}

	private synchronized void launch() {
		this.port = freePort();
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				// a small, quick JVM: two cores are shared by three replicas and the test
				"-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString());
		Map<String, String> env = builder.environment();
		env.putAll(this.environment);
		env.put("SERVER_PORT", Integer.toString(this.port));
		env.put("SERVER_ADDRESS", "127.0.0.1");
		env.put("SPRING_PROFILES_ACTIVE", "redis");
		env.put("SPRING_DATA_REDIS_URL", "redis://" + this.proxy.host() + ":" + this.proxy.port());
		try {
			Files.writeString(this.log, "--- " + this.name + " on port " + this.port + "\n", StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
			// the log is kept across runs; only what this start writes counts
			this.logOffset = Files.size(this.log);
			builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	void awaitStarted() {
		Process running = this.process;
		String marker = "Started SampleApplication";
		await().atMost(START_TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !running.isAlive() || logSinceStart().contains(marker));
		assertThat(running.isAlive()).as("replica %s running; see %s", this.name, this.log).isTrue();
		this.serving = true;
	}

	private String logSinceStart() throws IOException {
		byte[] bytes = Files.readAllBytes(this.log);
		int from = (int) Math.min(this.logOffset, bytes.length);
		return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
	}

	/**
	 * Kills the replica with {@code SIGKILL}: no shutdown hook, no {@code end} to its
	 * clients; the kernel closes its sockets.
	 */
	void kill() {
		this.serving = false;
		Process running = this.process;
		if (running != null) {
			running.destroyForcibly();
			try {
				running.waitFor(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		// links from a dead process are of no use to anyone
		this.proxy.cut();
		this.proxy.restore();
	}

	/**
	 * Starts a killed replica again, on a new port.
	 */
	void relaunch() {
		launch();
		awaitStarted();
	}

	boolean isLive() {
		Process running = this.process;
		return this.serving && running != null && running.isAlive();
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	TcpProxy proxy() {
		return this.proxy;
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() {
		Process running = this.process;
		if (running != null && running.isAlive()) {
			running.destroy();
			try {
				if (!running.waitFor(20, TimeUnit.SECONDS)) {
					running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.proxy.close();
	}

	@Override
	public String toString() {
		return this.name + "@" + this.port;
	}

	static List<ReplicaProcess> live(List<ReplicaProcess> replicas) {
		return replicas.stream().filter(ReplicaProcess::isLive).toList();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
