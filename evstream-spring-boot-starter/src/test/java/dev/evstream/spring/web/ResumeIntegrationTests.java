package dev.evstream.spring.web;

import java.time.Duration;
import java.util.Map;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStreamManager;
import dev.evstream.test.SseEvent;
import dev.evstream.test.SseTestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "evstream.history.size=50")
class ResumeIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	EvStreamManager streams;

	@Test
	void lastEventIdHeaderShouldReplayWhatWasMissed() {
		String lastEventId;
		try (SseTestClient first = SseTestClient.get(this.port, "/evstream?channel=room")) {
			first.awaitEvent("connected", TIMEOUT);
			this.streams.send("room", EvMessage.of("chat", "one")).block(TIMEOUT);
			first.awaitEvent("chat", TIMEOUT);
			lastEventId = first.lastEventId();
		}
		this.streams.send("room", EvMessage.of("chat", "two")).block(TIMEOUT);
		this.streams.send("room", EvMessage.of("chat", "three")).block(TIMEOUT);
		try (SseTestClient resumed = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=room",
				Map.of("Last-Event-ID", lastEventId))) {
			assertThat(resumed.awaitCount("chat", 2, TIMEOUT)).extracting(SseEvent::data)
				.containsExactly("two", "three");
		}
	}

	@Test
	void lastEventIdQueryParameterShouldResumeToo() {
		String lastEventId;
		try (SseTestClient first = SseTestClient.get(this.port, "/evstream?channel=query")) {
			lastEventId = first.awaitEvent("connected", TIMEOUT).id();
		}
		this.streams.send("query", EvMessage.of("chat", "missed")).block(TIMEOUT);
		try (SseTestClient resumed = SseTestClient.get(this.port,
				"/evstream?channel=query&lastEventId=" + lastEventId)) {
			assertThat(resumed.awaitEvent("chat", TIMEOUT).data()).isEqualTo("missed");
		}
	}

	@Test
	void resumeBeyondTheHistoryShouldAnswerResetNotAnError() {
		String lastEventId;
		try (SseTestClient first = SseTestClient.get(this.port, "/evstream?channel=flood")) {
			lastEventId = first.awaitEvent("connected", TIMEOUT).id();
		}
		for (int i = 0; i < 60; i++) {
			this.streams.send("flood", EvMessage.of("chat", Integer.toString(i))).block(TIMEOUT);
		}
		try (SseTestClient resumed = SseTestClient.get("127.0.0.1", this.port, "/evstream?channel=flood",
				Map.of("Last-Event-ID", lastEventId))) {
			assertThat(resumed.status()).isEqualTo(200);
			assertThat(resumed.awaitEvent("reset", TIMEOUT).data())
				.isEqualTo("{\"channel\":\"flood\",\"reason\":\"out-of-history\"}");
			this.streams.send("flood", EvMessage.of("chat", "live")).block(TIMEOUT);
			assertThat(resumed.awaitEvent("chat", TIMEOUT).data()).isEqualTo("live");
		}
	}

}
