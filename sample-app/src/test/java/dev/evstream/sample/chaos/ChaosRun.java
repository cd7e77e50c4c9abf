package dev.evstream.sample.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.evstream.sample.chaos.ResumingClient.Received;
import dev.evstream.sample.chaos.Writers.Kind;
import dev.evstream.sample.chaos.Writers.Write;
import dev.evstream.test.SseEvent;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One chaos scenario's load and its accounting: clients reading {@code counter} and
 * {@code chat} on every replica, writers incrementing and chatting through all of them,
 * and, once the writers stop, the check that every acknowledged write is in the final
 * value everywhere and every acknowledged message reached every client exactly once (or
 * the client was told to {@code reset} the chat after the message was sent).
 */
final class ChaosRun implements AutoCloseable {

	private static final Duration SETTLE = Duration.ofSeconds(30);

	private static final Duration PROGRESS = Duration.ofSeconds(60);

	/**
	 * How long a restless client keeps a connection before it resumes on the next
	 * replica.
	 */
	private static final Duration RESTLESS = Duration.ofMillis(700);

	private static final Pattern VALUE = Pattern.compile("\"value\":(-?\\d+)");

	private static final Path FIGURES = Path.of("target", "chaos-figures.md");

	private final String scenario;

	private final Supplier<List<ReplicaProcess>> replicas;

	private final List<ResumingClient> clients = new ArrayList<>();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private @Nullable Writers writers;

	private int base;

	private long started;

	private ChaosRun(String scenario, Supplier<List<ReplicaProcess>> replicas) {
		this.scenario = scenario;
		this.replicas = replicas;
	}

	/**
	 * Opens the clients, waits for their snapshots, reads the counter, and starts the
	 * writers.
	 */
	static ChaosRun start(String scenario, Supplier<List<ReplicaProcess>> replicas, int clientsPerReplica) {
		ChaosRun run = new ChaosRun(scenario, replicas);
		List<ReplicaProcess> live = ReplicaProcess.live(replicas.get());
		for (int r = 0; r < live.size(); r++) {
			for (int c = 0; c < clientsPerReplica; c++) {
				run.clients.add(new ResumingClient(scenario + "-c" + r + c, replicas, r, null).start());
			}
			run.clients.add(new ResumingClient(scenario + "-restless" + r, replicas, r, RESTLESS).start());
		}
		await("every client's counter snapshot").atMost(SETTLE)
			.until(() -> run.clients.stream().allMatch(ResumingClient::hasCounter));
		run.base = run.agreedCounter();
		run.started = System.nanoTime();
		run.writers = new Writers(scenario, replicas).start(2, 2);
		return run;
	}

	/**
	 * Waits until at least {@code count} writes since {@code since} meet a condition.
	 */
	void awaitWrites(String what, long since, Predicate<Write> condition, long count) {
		await(what).atMost(PROGRESS)
			.until(() -> writers().count((write) -> write.sent() >= since && condition.test(write)) >= count);
	}

	void awaitAcknowledged(String what, long since, long count) {
		awaitWrites(what + ": " + count + " acknowledged increments and messages", since,
				(write) -> write.acknowledged(), 2 * count);
		awaitWrites(what + ": " + count + " acknowledged increments", since,
				(write) -> write.acknowledged() && write.kind() == Kind.INCREMENT, count);
		awaitWrites(what + ": " + count + " acknowledged messages", since,
				(write) -> write.acknowledged() && write.kind() == Kind.CHAT, count);
	}

	void awaitFailures(String what, long since, Predicate<Write> condition, long count) {
		awaitWrites(what + ": " + count + " failed writes", since,
				(write) -> !write.acknowledged() && condition.test(write), count);
	}

	/**
	 * Waits until every live replica has failed at least {@code count} writes since
	 * {@code since}: the fault lasted long enough for each of them to see it.
	 */
	void awaitFailuresOnEveryReplica(String what, long since, long count) {
		for (ReplicaProcess replica : ReplicaProcess.live(this.replicas.get())) {
			awaitFailures(what + " (" + replica.name() + ")", since, (write) -> write.replica().equals(replica.name()),
					count);
		}
	}

	/**
	 * Counts the clients (restless ones aside) that streamed from a replica first and
	 * then from another.
	 */
	long clientsMovedFrom(String replica) {
		return this.clients.stream()
			.filter((client) -> !client.isRestless())
			.map(ResumingClient::connections)
			.filter((connections) -> connections.size() > 1 && connections.get(0).equals(replica)
					&& !connections.get(connections.size() - 1).equals(replica))
			.count();
	}

	/**
	 * Stops the writers and clients, if a failure left them running: a scenario that
	 * failed half-way must not go on writing into the next one.
	 */
	@Override
	public void close() {
		Writers current = this.writers;
		if (current != null) {
			current.close();
		}
		this.clients.forEach(ResumingClient::close);
	}

	private Writers writers() {
		Writers current = this.writers;
		assertThat(current).as("writers started").isNotNull();
		return current;
	}

	/**
	 * Stops the writers, waits (boundedly) for every replica and client to settle, then
	 * checks the accounting and returns the figures.
	 */
	Figures finish() {
		Writers current = writers();
		current.close();
		long writing = System.nanoTime() - this.started;
		List<Write> writes = current.writes();
		try {
			await("replicas and clients to settle").atMost(SETTLE)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> account(writes, writing).settled());
		}
		catch (ConditionTimeoutException ex) {
			// the assertions below say what did not settle
		}
		Figures figures = account(writes, writing);
		this.clients.forEach(ResumingClient::close);
		record(figures);
		timeline(writes);
		assertThat(figures.replicaValues()).as("counter on every live replica").hasSizeGreaterThan(0);
		assertThat(Set.copyOf(figures.replicaValues().values()))
			.as("counter on every live replica: %s", figures.replicaValues())
			.hasSize(1);
		assertThat((long) figures.finalValue())
			.as("final counter (from %s, %s acknowledged and %s unacknowledged increments)", this.base,
					figures.acknowledgedIncrements(), figures.unacknowledgedIncrements())
			.isBetween(this.base + figures.acknowledgedIncrements(),
					this.base + figures.acknowledgedIncrements() + figures.unacknowledgedIncrements());
		assertThat(figures.clientValues()).as("last counter of every client")
			.allSatisfy((client, value) -> assertThat(value).as(client).isEqualTo(figures.finalValue()));
		assertThat(figures.sameValue()).as("acknowledged increments that answered the same counter value").isEmpty();
		assertThat(figures.duplicated()).as("messages a client received twice").isEmpty();
		assertThat(figures.lost()).as("acknowledged messages a client never received, without a reset").isEmpty();
		assertThat(figures.phantoms()).as("messages received that no writer sent").isEmpty();
		return figures;
	}

	private Figures account(List<Write> writes, long writing) {
		Map<String, Integer> replicaValues = new LinkedHashMap<>();
		for (ReplicaProcess replica : ReplicaProcess.live(this.replicas.get())) {
			Integer value = counterOf(replica);
			if (value != null) {
				replicaValues.put(replica.name(), value);
			}
		}
		long acknowledgedIncrements = writes.stream()
			.filter((write) -> write.kind() == Kind.INCREMENT && write.acknowledged())
			.count();
		long unacknowledgedIncrements = writes.stream()
			.filter((write) -> write.kind() == Kind.INCREMENT && !write.acknowledged())
			.count();
		Map<Integer, List<Write>> byValue = new TreeMap<>();
		writes.stream()
			.filter((write) -> write.kind() == Kind.INCREMENT && write.value() != null)
			.forEach((write) -> byValue.computeIfAbsent(write.value(), (value) -> new ArrayList<>()).add(write));
		List<String> sameValue = new ArrayList<>();
		byValue.forEach((value, answered) -> {
			if (answered.size() > 1) {
				sameValue.add(value + " answered to "
						+ answered.stream()
							.map((write) -> write.replica() + " at " + millis(write.answered()) + " ms")
							.toList());
			}
		});
		Map<String, Write> messages = new HashMap<>();
		writes.stream()
			.filter((write) -> write.kind() == Kind.CHAT)
			.forEach((write) -> messages.put(write.text(), write));
		long acknowledgedMessages = messages.values().stream().filter(Write::acknowledged).count();
		long slowestAcknowledged = writes.stream()
			.filter(Write::acknowledged)
			.mapToLong((write) -> write.answered() - write.sent())
			.max()
			.orElse(0) / 1_000_000;
		long slowestFailure = writes.stream()
			.filter((write) -> !write.acknowledged())
			.mapToLong((write) -> write.answered() - write.sent())
			.max()
			.orElse(0) / 1_000_000;
		Map<String, Integer> clientValues = new LinkedHashMap<>();
		List<String> duplicated = new ArrayList<>();
		List<String> lost = new ArrayList<>();
		List<String> phantoms = new ArrayList<>();
		long delivered = 0;
		long excused = 0;
		long counterResets = 0;
		long chatResets = 0;
		long reconnections = 0;
		List<String> clientFailures = new ArrayList<>();
		for (ResumingClient client : this.clients) {
			List<Received> received = client.received();
			Integer last = client.lastCounter();
			clientValues.put(client.name(), (last != null) ? last : Integer.MIN_VALUE);
			Map<String, Integer> counts = new HashMap<>();
			Map<String, List<Integer>> connectionsOf = new HashMap<>();
			List<Long> chatResetTimes = new ArrayList<>();
			for (Received event : received) {
				SseEvent sse = event.event();
				if (sse.event().equals("chat")) {
					String text = ResumingClient.chatText(sse);
					counts.merge(String.valueOf(text), 1, Integer::sum);
					connectionsOf.computeIfAbsent(String.valueOf(text), (key) -> new ArrayList<>())
						.add(event.connection());
					delivered++;
					if (text == null || !messages.containsKey(text)) {
						phantoms.add(client.name() + ": " + sse.data());
					}
				}
				else if (sse.event().equals("reset")) {
					String channel = ResumingClient.resetChannel(sse);
					if ("chat".equals(channel)) {
						chatResets++;
						chatResetTimes.add(event.nanos());
					}
					else {
						counterResets++;
					}
				}
			}
			counts.forEach((text, count) -> {
				if (count > 1) {
					duplicated.add(client.name() + ": " + text + " x" + count + " on connections "
							+ connectionsOf.get(text) + " of " + client.connections());
				}
			});
			for (Write message : messages.values()) {
				if (message.acknowledged() && !counts.containsKey(message.text())) {
					boolean reset = chatResetTimes.stream().anyMatch((time) -> time > message.sent());
					if (reset) {
						excused++;
					}
					else {
						lost.add(client.name() + ": " + message.text() + " (via " + message.replica() + ")");
					}
				}
			}
			reconnections += Math.max(0, client.connections().size() - 1);
			client.failures().forEach((failure) -> clientFailures.add(client.name() + ": " + failure));
		}
		lost.sort(null);
		return new Figures(this.scenario, writing / 1_000_000, this.base, replicaValues, clientValues,
				acknowledgedIncrements, unacknowledgedIncrements, acknowledgedMessages, slowestAcknowledged,
				slowestFailure, messages.size() - acknowledgedMessages, this.clients.size(), delivered, excused,
				counterResets, chatResets, reconnections, duplicated, lost, phantoms, sameValue, clientFailures);
	}

	private @Nullable Integer counterOf(ReplicaProcess replica) {
		try {
			HttpResponse<String> response = this.http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/api/counter"))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			Matcher matcher = VALUE.matcher(response.body());
			return (response.statusCode() == 200 && matcher.find()) ? Integer.valueOf(matcher.group(1)) : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private int agreedCounter() {
		int[] agreed = new int[1];
		await("replicas to agree on the counter").atMost(SETTLE).pollInterval(Duration.ofMillis(200)).until(() -> {
			Set<Integer> values = new HashSet<>();
			List<ReplicaProcess> live = ReplicaProcess.live(this.replicas.get());
			for (ReplicaProcess replica : live) {
				values.add(counterOf(replica));
			}
			boolean clientsAgree = values.size() == 1
					&& this.clients.stream().allMatch((client) -> values.contains(client.lastCounter()));
			if (clientsAgree && !values.contains(null)) {
				agreed[0] = values.iterator().next();
				return true;
			}
			return false;
		});
		return agreed[0];
	}

	private long millis(long nanos) {
		return (nanos - this.started) / 1_000_000;
	}

	/**
	 * Writes what happened, in order, to a file of its own: every write with its outcome,
	 * and the counter values and resets each client saw.
	 */
	private void timeline(List<Write> writes) {
		StringBuilder out = new StringBuilder();
		for (Write write : writes) {
			out.append(millis(write.sent()))
				.append(" ms -> ")
				.append(millis(write.answered()))
				.append(" ms ")
				.append(write.replica())
				.append(' ')
				.append(write.kind())
				.append(' ')
				.append(write.text())
				.append(" status ")
				.append(write.status())
				.append((write.value() != null) ? " value " + write.value() : "")
				.append(write.detail().isEmpty() ? "" : " " + write.detail().replace('\n', ' '))
				.append('\n');
		}
		for (ResumingClient client : this.clients) {
			out.append("client ").append(client.name()).append(" on ").append(client.connections()).append('\n');
			for (Received received : client.received()) {
				SseEvent event = received.event();
				if (!event.event().equals("chat") && !event.event().equals("heartbeat")) {
					out.append("  ")
						.append(millis(received.nanos()))
						.append(" ms #")
						.append(received.connection())
						.append(' ')
						.append(event.event())
						.append(' ')
						.append(event.data())
						.append('\n');
				}
			}
		}
		try {
			Files.writeString(Path.of("target", "chaos-" + this.scenario + ".txt"), out);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void record(Figures figures) {
		String header = "| scenario | writing (ms) | increments acked / unacked | messages acked / unacked | clients | "
				+ "messages delivered | missing after a reset | resets (chat / counter) | reconnections | "
				+ "lost | duplicated | final counter (from) | slowest write acked / failed (ms) |\n"
				+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
		String row = "| " + figures.scenario() + " | " + figures.writingMillis() + " | "
				+ figures.acknowledgedIncrements() + " / " + figures.unacknowledgedIncrements() + " | "
				+ figures.acknowledgedMessages() + " / " + figures.unacknowledgedMessages() + " | " + figures.clients()
				+ " | " + figures.delivered() + " | " + figures.excused() + " | " + figures.chatResets() + " / "
				+ figures.counterResets() + " | " + figures.reconnections() + " | " + figures.lost().size() + " | "
				+ figures.duplicated().size() + " | " + figures.finalValue() + " (" + figures.base() + ") | "
				+ figures.slowestAcknowledgedMillis() + " / " + figures.slowestFailureMillis() + " |\n";
		System.out.println("chaos " + figures);
		try {
			if (!Files.exists(FIGURES)) {
				Files.writeString(FIGURES, header);
			}
			Files.writeString(FIGURES, row, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * What a scenario did and what the clients and replicas ended with.
	 */
	record Figures(String scenario, long writingMillis, int base, Map<String, Integer> replicaValues,
			Map<String, Integer> clientValues, long acknowledgedIncrements, long unacknowledgedIncrements,
			long acknowledgedMessages, long slowestAcknowledgedMillis, long slowestFailureMillis,
			long unacknowledgedMessages, int clients, long delivered, long excused, long counterResets, long chatResets,
			long reconnections, List<String> duplicated, List<String> lost, List<String> phantoms,
			List<String> sameValue, List<String> clientFailures) {

		int finalValue() {
			return this.replicaValues.values().stream().findFirst().orElse(Integer.MIN_VALUE);
		}

		boolean settled() {
			Set<Integer> values = Set.copyOf(this.replicaValues.values());
			return values.size() == 1 && this.clientValues.values().stream().allMatch(values::contains)
					&& this.lost.isEmpty();
		}

		@Override
		public String toString() {
			return this.scenario + ": writing " + this.writingMillis + " ms, increments " + this.acknowledgedIncrements
					+ " acknowledged / " + this.unacknowledgedIncrements + " not, messages " + this.acknowledgedMessages
					+ " acknowledged / " + this.unacknowledgedMessages + " not, slowest write "
					+ this.slowestAcknowledgedMillis + " ms acknowledged / " + this.slowestFailureMillis
					+ " ms failed, " + this.clients + " clients, " + this.delivered + " delivered, " + this.excused
					+ " missing after a reset, resets chat " + this.chatResets + " / counter " + this.counterResets
					+ ", reconnections " + this.reconnections + ", counter " + this.base + " -> " + this.replicaValues
					+ ", clients " + this.clientValues + ", lost " + this.lost.size() + " "
					+ this.lost.subList(0, Math.min(20, this.lost.size())) + ", duplicated " + this.duplicated.size()
					+ " " + this.duplicated.subList(0, Math.min(20, this.duplicated.size())) + ", phantoms "
					+ this.phantoms.size() + ", increments answered the same value " + this.sameValue
					+ ", client failures " + this.clientFailures.size();
		}

	}

}
