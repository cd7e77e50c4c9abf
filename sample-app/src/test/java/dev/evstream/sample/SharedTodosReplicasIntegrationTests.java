package dev.evstream.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.evstream.test.SseTestClient;
import dev.evstream.test.postgres.PostgresServer;
import dev.evstream.test.redis.RedisServer;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.evstream.sample.SharedTodosIntegrationTests.action;
import static dev.evstream.sample.SharedTodosIntegrationTests.create;
import static dev.evstream.sample.SharedTodosIntegrationTests.json;
import static dev.evstream.sample.SharedTodosIntegrationTests.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's PostgreSQL demo: two sample apps on one PostgreSQL database and one Redis.
 * Both change one todo at once through their action endpoints, and the listeners of both
 * end on the row the database holds; a todo created on one reaches the other's listeners.
 * The replicas start one after the other, as the README says, since the first creates the
 * table.
 */
class SharedTodosReplicasIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String STREAM = "/evstream?channel=shared-todos";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeEach
	void start() {
		PostgresServer postgres = PostgresServer.shared();
		String database = postgres.createDatabase();
		RedisServer redis = RedisServer.shared();
		String prefix = "todos" + UUID.randomUUID().toString().substring(0, 8);
		// one after the other: the first creates the table
		this.first = replica(postgres, database, redis, prefix);
		this.second = replica(postgres, database, redis, prefix);
	}

	@AfterEach
	void stop() {
		if (this.second != null) {
			this.second.close();
		}
		if (this.first != null) {
			this.first.close();
		}
	}

	private static ConfigurableApplicationContext replica(PostgresServer postgres, String database, RedisServer redis,
			String prefix) {
		// arguments, as the environment in the README: they come before
		// application.properties
		ConfigurableApplicationContext replica = new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.run("--server.port=0", "--spring.data.redis.url=" + redis.url(), "--evstream.redis.key-prefix=" + prefix,
					"--spring.r2dbc.url=" + postgres.r2dbcUrl(database),
					"--spring.r2dbc.username=" + postgres.username(), "--spring.r2dbc.password=" + postgres.password());
		assertThat(replica.getBean(ConnectionFactory.class).getMetadata().getName()).isEqualTo("PostgreSQL");
		return replica;
	}

	@Test
	void concurrentChangesOfOneTodoOnTwoReplicasShouldLeaveEveryListenerOnTheDatabasesRow() throws Exception {
		String id = unique();
		ok(act(this.first, create(id, "start"), null));
		ExecutorService writers = Executors.newFixedThreadPool(4);
		try (SseTestClient onFirst = SseTestClient.get(port(this.first), STREAM);
				SseTestClient onSecond = SseTestClient.get(port(this.second), STREAM)) {
			onFirst.awaitEvent("shared-todos", TIMEOUT);
			onSecond.awaitEvent("shared-todos", TIMEOUT);
			List<Future<JsonNode>> answers = new ArrayList<>();
			for (int i = 0; i < 25; i++) {
				for (ConfigurableApplicationContext replica : List.of(this.first, this.second)) {
					String text = "from " + port(replica) + " #" + i;
					String body = (i % 5 == 0) ? action("toggle", id, null) : action("update", id, text);
					answers.add(writers.submit(() -> ok(act(replica, body, null))));
				}
			}
			List<Long> versions = new ArrayList<>();
			for (Future<JsonNode> answer : answers) {
				versions.add(answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
					.path("records")
					.get(0)
					.path("version")
					.asLong());
			}
			assertThat(versions).as("one version per change").doesNotHaveDuplicates();
			JsonNode row = entry(records(this.second), id);
			assertThat(row.path("version").asLong())
				.isEqualTo(versions.stream().mapToLong(Long::longValue).max().getAsLong());
			assertThat(entry(records(this.first), id)).isEqualTo(row);
			for (SseTestClient listener : List.of(onFirst, onSecond)) {
				listener.awaitEvents((events) -> row.equals(RecordSetView.of(events, "shared-todos").entry(id)),
						TIMEOUT);
			}
		}
		finally {
			writers.shutdownNow();
		}
	}

	@Test
	void createOnOneReplicaShouldReachAListenerOnTheOther() throws Exception {
		String id = unique();
		try (SseTestClient onSecond = SseTestClient.get(port(this.second), STREAM)) {
			onSecond.awaitEvent("shared-todos", TIMEOUT);
			JsonNode created = ok(act(this.first, create(id, "made on the first"), "create-" + id));
			JsonNode entry = created.path("records").get(0);
			assertThat(entry.path("record").path("text").asString()).isEqualTo("made on the first");
			onSecond.awaitEvents((events) -> entry.equals(RecordSetView.of(events, "shared-todos").entry(id)), TIMEOUT);
			assertThat(entry(records(this.second), id)).isEqualTo(entry);
			// the key was claimed in Redis: the second replica answers the first try's
			// records
			assertThat(ok(act(this.second, create(id, "made on the first"), "create-" + id))).isEqualTo(created);
		}
	}

	private static HttpResponse<String> act(ConfigurableApplicationContext replica, String body, String key)
			throws Exception {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port(replica) + "/evstream/actions/shared-todos"))
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode records(ConfigurableApplicationContext replica) throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port(replica) + "/evstream/records/shared-todos"))
			.timeout(TIMEOUT)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return json(response.body());
	}

	private static JsonNode entry(JsonNode listing, String id) {
		for (JsonNode entry : listing.path("records")) {
			if (entry.path("id").asString().equals(id)) {
				return entry;
			}
		}
		throw new AssertionError("No todo '" + id + "' in " + listing);
	}

	private static JsonNode ok(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return json(response.body());
	}

	private static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

}
