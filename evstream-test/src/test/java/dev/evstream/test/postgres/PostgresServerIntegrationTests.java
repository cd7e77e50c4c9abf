package dev.evstream.test.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The PostgreSQL harness against whatever server it finds: here, with neither Docker nor
 * {@code EVSTREAM_TEST_POSTGRES_URL}, the embedded binaries, run as {@code nobody} when
 * the tests run as root.
 */
class PostgresServerIntegrationTests {

	private static PostgresServer server;

	@BeforeAll
	static void start() {
		server = PostgresServer.start();
	}

	@AfterAll
	static void stop() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void createDatabaseShouldGiveEachCallerTablesOfItsOwn() throws SQLException {
		String first = server.createDatabase();
		String second = server.createDatabase();
		assertThat(first).isNotEqualTo(second);
		try (Connection connection = connect(first); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE greeting (id INT PRIMARY KEY, text VARCHAR(20) NOT NULL)");
			statement.execute("INSERT INTO greeting VALUES (1, 'hello')");
			try (ResultSet rows = statement.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("hello");
			}
		}
		try (Connection connection = connect(second); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeQuery("SELECT text FROM greeting"))
				.withMessageContaining("greeting");
		}
	}

	@Test
	void urlsShouldNameTheServerAndDatabase() {
		String name = server.createDatabase();
		String address = server.host() + ":" + server.port() + "/" + name;
		assertThat(server.jdbcUrl(name)).isEqualTo("jdbc:postgresql://" + address);
		assertThat(server.r2dbcUrl(name)).isEqualTo("r2dbc:postgresql://" + address);
		assertThat(server.jdbcUrl()).endsWith("/" + server.database());
	}

	@Test
	void closeShouldStopAServerItStartedAndOnlyThat() throws SQLException {
		boolean external = System.getenv(PostgresServer.URL_VARIABLE) != null;
		PostgresServer own = PostgresServer.start();
		try (Connection connection = DriverManager.getConnection(own.jdbcUrl(), own.username(), own.password())) {
			assertThat(connection.isValid(5)).isTrue();
		}
		own.close();
		assertThat(accepts(own.host(), own.port())).isEqualTo(external);
	}

	private static Connection connect(String database) throws SQLException {
		return DriverManager.getConnection(server.jdbcUrl(database), server.username(), server.password());
	}

	private static boolean accepts(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
