package dev.evstream.bench.loadgen;

import java.net.InetSocketAddress;

import dev.evstream.bench.server.TimerPublication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the options of the publishers and of the cluster scenarios:
 * {@link PublisherMode}, {@link TimerPublisher}'s request and answer, and
 * {@link LoadGenerator}'s ports and state paths.
 */
class PublisherOptionsTests {

	@Test
	void publisherModesAndTheirConnections() {
		assertThat(PublisherMode.of("burst")).isEqualTo(PublisherMode.BURST);
		assertThat(PublisherMode.of("paced").defaultConnections()).isEqualTo(4);
		assertThat(PublisherMode.of("burst").defaultConnections()).isEqualTo(64);
		assertThat(PublisherMode.TIMER.label()).isEqualTo("timer");
		assertThatIllegalArgumentException().isThrownBy(() -> PublisherMode.of("PACED"));
		assertThatIllegalArgumentException().isThrownBy(() -> PublisherMode.of("open"));
	}

	@Test
	void timerQueryCarriesTheRunAndThePhase() {
		TimerPublisher timer = new TimerPublisher(new InetSocketAddress("127.0.0.1", 18080), "bench", null, 0xabcL,
				256);
		assertThat(timer.query(500, 100, true, 0))
			.isEqualTo("channel=bench&rate=100.0&count=500&payload=256&run=abc&measured=true&first=0");
		TimerPublisher state = new TimerPublisher(new InetSocketAddress("127.0.0.1", 18080), "bench-state",
				"bench-state", 0xabcL, 256);
		assertThat(state.query(1, 100, false, 42)).endsWith("&measured=false&first=42&state=bench-state");
	}

	@Test
	void timerAnswerIsTheOutcome() {
		PublishOutcome outcome = TimerPublisher
			.outcome(new TimerPublication.Outcome(500, 498, 1_500_000, 10_000, 5_000_010_000L).text());
		assertThat(outcome).isEqualTo(new PublishOutcome(500, 498, 1_500_000, 10_000, 5_000_010_000L));
	}

	@Test
	void portsAreAListAndThePublisherTakesTheFirst() {
		assertThat(LoadGenerator.ports("18080")).containsExactly(18080);
		assertThat(LoadGenerator.ports("18080, 18081,")).containsExactly(18080, 18081);
		assertThatIllegalArgumentException().isThrownBy(() -> LoadGenerator.ports(""));
		assertThatIllegalArgumentException().isThrownBy(() -> LoadGenerator.ports("0"));
	}

	@Test
	void statePathNamesTheStateForTheTimer() {
		assertThat(LoadGenerator.stateOf("/state/bench-state")).isEqualTo("bench-state");
		assertThat(LoadGenerator.stateOf("/state/s?x=1")).isEqualTo("s");
		assertThat(LoadGenerator.stateOf("/publish?channel=bench")).isNull();
	}

}
