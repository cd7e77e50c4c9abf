package dev.evstream.test.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * A real Redis for tests, found in this order: the server at
 * {@code EVSTREAM_TEST_REDIS_URL} if set; else a container when Docker is available; else
 * a {@code redis-server} binary, from the {@code PATH} or the one shipped in the
 * {@code embedded-redis} artifact, started on a free port. The tests therefore pass on a
 * machine with neither Docker nor Redis.
 * <p>
 * When no Redis can be had, a test is skipped, unless {@code CI=true}: then it fails.
 * Tests share one server and isolate themselves by key prefix, never by flushing it.
 * Fault tests take a {@link #startLocal() local server} of their own, which they may
 * stop, restart, pause and wipe.
 *
 * @since 0.1.0
 */
public final class RedisServer implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private static @Nullable RedisServer shared;

	private final String host;

	private final int port;

	private final @Nullable Path binary;

	private final @Nullable Path dataDirectory;

	private @Nullable Process process;

	private final @Nullable AutoCloseable container;

	private RedisServer(String host, int port, @Nullable Path binary, @Nullable Path dataDirectory,
			@Nullable AutoCloseable container) {
		this.host = host;
		this.port = port;
		this.binary = binary;
		this.dataDirectory = dataDirectory;
		this.container = container;
	}

	/**
	 * Returns the Redis shared by the tests of this JVM, starting it on first use.
	 * @return the server
	 */
	public static synchronized RedisServer shared() {
		if (shared == null) {
			shared = findShared();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "redis-test-server-stop"));
		}
		return shared;
	}

	private static RedisServer findShared() {
		String url = System.getenv("EVSTREAM_TEST_REDIS_URL");
		if (url != null && !url.isBlank()) {
			URI uri = URI.create(url);
			return new RedisServer(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, null, null, null);
		}
		if (dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>("redis:7.4-alpine").withExposedPorts(6379);
			container.start();
			return new RedisServer(container.getHost(), container.getMappedPort(6379), null, null, container::stop);
		}
		return startLocal();
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Starts a {@code redis-server} binary of this test's own on a free port, with an
	 * append-only file so that a {@link #stop() stop} and {@link #start() start} keep the
	 * data.
	 * @return the running server
	 */
	public static RedisServer startLocal() {
		Path binary = binary();
		if (binary == null) {
			unavailable("no redis-server binary: none on the PATH, and none in the embedded-redis artifact for "
					+ System.getProperty("os.name") + " " + System.getProperty("os.arch"));
		}
		try {
			Path data = Files.createTempDirectory("evstream-redis-");
			RedisServer server = new RedisServer("127.0.0.1", freePort(), binary, data, null);
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void unavailable(String why) {
		String message = "No Redis for this test (" + why
				+ "); set EVSTREAM_TEST_REDIS_URL, start Docker, or install redis-server";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			throw new IllegalStateException(message);
		}
		Assumptions.abort(message);
	}

	/**
	 * Returns the host.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Returns the port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the URL, as {@code spring.data.redis.url} takes it.
	 * @return the URL
	 */
	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	/**
	 * Starts (or starts again) a local server on its port; the data written before a stop
	 * is still there.
	 */
	public synchronized void start() {
		Path binary = requireLocal();
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(this.port),
				"--bind", "127.0.0.1", "--protected-mode", "no", "--save", "", "--appendonly", "yes", "--appendfsync",
				"always", "--dir", this.dataDirectory.toString(), "--loglevel", "warning"));
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.dataDirectory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + binary, ex);
		}
		awaitPong();
	}

	/**
	 * Stops a local server the way an operator would: it shuts down cleanly and clients
	 * see connections refused until it starts again.
	 */
	public synchronized void stop() {
		requireLocal();
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroy();
		try {
			if (!running.waitFor(10, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	/**
	 * Kills a local server with {@code SIGKILL}: it writes nothing more, and clients see
	 * their connections reset, then refused until it starts again.
	 */
	public synchronized void kill() {
		requireLocal();
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroyForcibly();
		try {
			running.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	/**
	 * Stops a local server (if it still runs), wipes its data, and starts it again empty:
	 * a Redis that lost everything.
	 */
	public synchronized void restartEmpty() {
		stop();
		try (var files = Files.list(this.dataDirectory)) {
			for (Path file : files.toList()) {
				if (!file.getFileName().toString().equals("redis.log")) {
					deleteRecursively(file);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		start();
	}

	/**
	 * Freezes a local server: connections stay open but nothing is answered, as when the
	 * network to it is cut.
	 */
	public synchronized void pause() {
		signal("STOP");
	}

	/**
	 * Unfreezes a paused local server.
	 */
	public synchronized void resume() {
		signal("CONT");
	}

	private void signal(String signal) {
		requireLocal();
		Process running = this.process;
		if (running == null) {
			throw new IllegalStateException("The server is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(running.pid())).start();
			kill.waitFor(5, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public synchronized void close() {
		if (this.binary != null) {
			if (this.process != null && this.process.isAlive()) {
				resumeQuietly();
			}
			stop();
			if (this.dataDirectory != null) {
				deleteRecursively(this.dataDirectory);
			}
		}
		if (this.container != null) {
			try {
				this.container.close();
			}
			catch (Exception ex) {
				// the container is gone with the JVM anyway
			}
		}
	}

	private void resumeQuietly() {
		try {
			signal("CONT");
		}
		catch (RuntimeException ex) {
			// it was not paused
		}
	}

	private Path requireLocal() {
		if (this.binary == null || this.dataDirectory == null) {
			throw new IllegalStateException("Only a server from startLocal() can be stopped, started or paused");
		}
		return this.binary;
	}

	private void awaitPong() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (ping()) {
				return;
			}
			if (this.process != null && !this.process.isAlive()) {
				break;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new IllegalStateException("redis-server did not answer on port " + this.port + " within " + START_TIMEOUT
				+ "; see " + this.dataDirectory.resolve("redis.log"));
	}

	private boolean ping() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.host, this.port), 500);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] reply = new byte[7];
			int read = socket.getInputStream().read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static @Nullable Path binary() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(java.io.File.pathSeparator)) {
				Path candidate = Path.of(directory, "redis-server");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return Embedded.binary();
	}

	private static void deleteRecursively(Path path) {
		try (var walk = Files.walk(path)) {
			for (Path file : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// a leftover temporary file is harmless
		}
	}

	/**
	 * The binary shipped in the embedded-redis artifact, extracted once per JVM.
	 */
	private static final class Embedded {

		private static @Nullable Path extracted;

		private static synchronized @Nullable Path binary() {
			if (extracted != null) {
				return extracted;
			}
			String name = resourceName();
			if (name == null) {
				return null;
			}
			try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(name)) {
				if (in == null) {
					return null;
				}
				Path file = Files.createTempFile("redis-server-", "");
				Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
				file.toFile().setExecutable(true);
				file.toFile().deleteOnExit();
				extracted = file;
				return file;
			}
			catch (IOException ex) {
				return null;
			}
		}

		private static @Nullable String resourceName() {
			String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
			String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
			boolean arm = arch.contains("aarch64") || arch.contains("arm64");
			boolean x64 = arch.contains("amd64") || arch.contains("x86_64");
			if (os.contains("linux")) {
				return x64 ? "redis-server-6.2.6-v5-linux-amd64" : (arm ? "redis-server-6.2.7-linux-arm64" : null);
			}
			if (os.contains("mac")) {
				return x64 ? "redis-server-6.2.6-v5-darwin-amd64" : (arm ? "redis-server-6.2.6-v5-darwin-arm64" : null);
			}
			return null;
		}

	}

}
