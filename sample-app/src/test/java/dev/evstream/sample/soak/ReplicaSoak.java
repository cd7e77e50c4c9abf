package dev.evstream.sample.soak;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.evstream.test.ClientChurn;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A soak of the packaged sample, outside {@code verify} ({@code ./mvnw -pl sample-app
 * verify -Psoak}): two replicas on one Redis, rounds of clients that leave at random
 * instants on random channels while chat messages and counter increments are published.
 * After each round every replica must be back to no connection and no channel, with every
 * slot usable; heap after a full GC and open file descriptors are recorded each round (in
 * {@code target/soak.csv}) and must not grow. Connections, channels, open files and heap
 * are also sampled every three seconds, into {@code target/soak-samples.csv}.
 */
class ReplicaSoak {

	private static final int ROUNDS = Integer.getInteger("soak.rounds", 10);

	private static final int CLIENTS_PER_ROUND = Integer.getInteger("soak.clients", 500);

	private static final int MAX_CONNECTIONS = 50;

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Path JAR = Path.of("target", "evstream-sample-app.jar");

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private static final List<Replica> replicas = new ArrayList<>();

	private static RedisServer redis;

	@BeforeAll
	static void start() throws IOException {
		assertThat(JAR).as("the packaged sample app").exists();
		redis = RedisServer.startLocal();
		for (int i = 0; i < 2; i++) {
			replicas.add(Replica.start(i, redis.url()));
		}
	}

	@AfterAll
	static void stop() {
		replicas.forEach(Replica::stop);
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void churnAndPublishingShouldLeaveNothingBehindRoundAfterRound() throws Exception {
		List<String> rows = new ArrayList<>(List.of("round,replica,heap_after_gc_mb,open_files,connections,channels"));
		List<String> samples = Collections
			.synchronizedList(new ArrayList<>(List.of("seconds,replica,connections,channels,open_files,heap_used_mb")));
		long started = System.nanoTime();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
		sampler.scheduleAtFixedRate(() -> sample(samples, started), 0, 3, TimeUnit.SECONDS);
		try {
			soak(rows);
		}
		finally {
			sampler.shutdownNow();
			Files.write(Path.of("target", "soak.csv"), rows);
			Files.write(Path.of("target", "soak-samples.csv"), samples);
		}
	}

	private static void sample(List<String> samples, long started) {
		for (Replica replica : replicas) {
			try {
				samples.add(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%.1f",
						TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), replica.index,
						(long) replica.metric("evstream.connections.open"), (long) replica.metric("evstream.channels"),
						(long) replica.metric("process.files.open"),
						replica.metric("jvm.memory.used?tag=area:heap") / 1048576.0));
			}
			catch (IOException ex) {
				samples.add("# sample failed: " + ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private static void soak(List<String> rows) throws Exception {
		Map<Replica, long[]> baseline = new HashMap<>();
		for (int round = 1; round <= ROUNDS; round++) {
			for (Replica replica : replicas) {
				Thread publisher = new Thread(() -> publish(replica, 200), "soak-publisher");
				publisher.start();
				ClientChurn.run("127.0.0.1", replica.port, "/evstream?channel=chat&channel=counter", CLIENTS_PER_ROUND,
						MAX_CONNECTIONS, Duration.ofMinutes(3));
				publisher.join(TIMEOUT.toMillis());
			}
			for (Replica replica : replicas) {
				await().atMost(TIMEOUT)
					.pollInterval(Duration.ofMillis(250))
					.untilAsserted(() -> assertThat(replica.metric("evstream.connections.open")).isZero());
				await().atMost(TIMEOUT)
					.pollInterval(Duration.ofMillis(250))
					.untilAsserted(() -> assertThat(replica.metric("evstream.channels"))
						.as("channels in use: only the sample's states, counter and shared-form")
						.isEqualTo(2));
				replica.assertEverySlotUsable();
				long heap = replica.heapAfterGc();
				long files = (long) replica.metric("process.files.open");
				rows.add(String.format(Locale.ROOT, "%d,%d,%.1f,%d,%d,%d", round, replica.index, heap / 1048576.0,
						files, (long) replica.metric("evstream.connections.open"),
						(long) replica.metric("evstream.channels")));
				System.out.println("soak " + rows.get(rows.size() - 1));
				if (round == 2) {
					baseline.put(replica, new long[] { heap, files });
				}
				else if (round > 2) {
					long[] base = baseline.get(replica);
					assertThat(heap).as("heap after GC of replica %d in round %d", replica.index, round)
						.isLessThan(base[0] + base[0] / 10 + 4 * 1048576L);
					assertThat(files).as("open files of replica %d in round %d", replica.index, round)
						.isLessThan(base[1] + 20);
				}
			}
		}
	}

	private static void publish(Replica replica, int count) {
		for (int i = 0; i < count; i++) {
			String path = (i % 2 == 0) ? "/api/chat" : "/api/counter/increment";
			String body = (i % 2 == 0) ? "{\"user\":\"soak\",\"text\":\"m" + i + "\"}" : "{\"by\":1}";
			try {
				http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port + path))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build(), HttpResponse.BodyHandlers.discarding());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * One replica: the packaged jar, run as a user would.
	 */
	private static final class Replica {

		private final int index;

		private final int port;

		private final Process process;

		private Replica(int index, int port, Process process) {
			this.index = index;
			this.port = port;
			this.process = process;
		}

		static Replica start(int index, String redisUrl) throws IOException {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path log = Path.of("target", "soak-replica-" + index + ".log");
			ProcessBuilder builder = new ProcessBuilder(
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
					JAR.toString());
			Map<String, String> env = builder.environment();
			env.put("SERVER_PORT", Integer.toString(port));
			env.put("SERVER_ADDRESS", "127.0.0.1");
			env.put("SPRING_PROFILES_ACTIVE", "redis");
			env.put("SPRING_DATA_REDIS_URL", redisUrl);
			env.put("EVSTREAM_MAX_CONNECTIONS", Integer.toString(MAX_CONNECTIONS));
			env.put("EVSTREAM_HEARTBEAT", "1s");
			env.put("EVSTREAM_CONNECTION_CLAIMTIMEOUT", "1s");
			builder.redirectErrorStream(true).redirectOutput(log.toFile());
			Process process = builder.start();
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> !process.isAlive() || Files.readString(log).contains("Started SampleApplication"));
			assertThat(process.isAlive()).as("replica %d running; log:%n%s", index, Files.readString(log)).isTrue();
			return new Replica(index, port, process);
		}

		double metric(String name) throws IOException, InterruptedException {
			HttpResponse<String> response = http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/metrics/" + name))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("metric %s", name).isEqualTo(200);
			JsonNode measurement = json.readTree(response.body()).get("measurements").get(0);
			return measurement.get("value").asDouble();
		}

		long heapAfterGc() throws IOException, InterruptedException {
			Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
			Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(this.process.pid()), "GC.run")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			assertThat(gc.waitFor()).as("jcmd GC.run").isZero();
			return (long) metric("jvm.memory.used?tag=area:heap");
		}

		void assertEverySlotUsable() {
			List<SseTestClient> clients = new ArrayList<>();
			try {
				for (int i = 0; i < MAX_CONNECTIONS; i++) {
					clients.add(SseTestClient.get(this.port, "/evstream?channel=slot" + i));
				}
				for (SseTestClient client : clients) {
					assertThat(client.status()).as("slot of replica %d", this.index).isEqualTo(200);
					client.awaitEvent("connected", TIMEOUT);
				}
			}
			finally {
				clients.forEach(SseTestClient::close);
			}
		}

		void stop() {
			this.process.destroy();
			try {
				this.process.waitFor();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
