package dev.evstream.spring.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.evstream.core.EvMessage;
import dev.evstream.spring.web.ReconnectStorm;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import dev.evstream.test.redis.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients resume on whichever replica they reach.
 */
class RedisResumeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final List<Replica> replicas = new ArrayList<>();

	private Replica a;

	private Replica b;

	@BeforeEach
	void start() {
		String url = RedisServer.shared().url();
		String prefix = "m" + UUID.randomUUID().toString().substring(0, 8);
		this.a = Replica.start(url, prefix).awaitBusConnected(TIMEOUT);
		this.b = Replica.start(url, prefix).awaitBusConnected(TIMEOUT);
		this.replicas.add(this.a);
		this.replicas.add(this.b);
	}

	@AfterEach
	void stop() {
		this.replicas.forEach(Replica::close);
	}

	@Test
	void clientShouldResumeSeveralChannelsOnAnotherReplica() {
		String lastEventId;
		try (SseTestClient first = SseTestClient.get(this.a.port(), "/evstream?channels=x,y")) {
			first.awaitEvent("connected", TIMEOUT);
			this.a.streams().send("x", EvMessage.of("chat", "x1")).block(TIMEOUT);
			this.b.streams().send("y", EvMessage.of("chat", "y1")).block(TIMEOUT);
			first.awaitCount("chat", 2, TIMEOUT);
			lastEventId = first.lastEventId();
		}
		this.b.streams().send("x", EvMessage.of("chat", "x2")).block(TIMEOUT);
		this.a.streams().send("y", EvMessage.of("chat", "y2")).block(TIMEOUT);
		this.a.streams().send("x", EvMessage.of("chat", "x3")).block(TIMEOUT);
		try (SseTestClient resumed = SseTestClient.get("127.0.0.1", this.b.port(), "/evstream?channels=x,y",
				Map.of("Last-Event-ID", lastEventId))) {
			List<String> data = resumed.awaitCount("chat", 3, TIMEOUT).stream().map(SseEvent::data).toList();
			assertThat(data).containsSubsequence("x2", "x3").contains("y2").hasSize(3);
			assertThat(resumed.events("reset")).isEmpty();
		}
	}

	@Test
	void clientsReconnectingToEitherReplicaShouldMissNothingAndGetNothingTwice() throws Exception {
		ReconnectStorm.run(this.a.streams(), "storm", 20, 50,
				(attempt) -> ((attempt % 2) == 0) ? this.a.port() : this.b.port());
	}

}
