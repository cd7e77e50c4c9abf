package dev.evstream.bench.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import dev.evstream.bench.loadgen.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TimerRequest} and {@link TimerPublication}.
 */
class TimerPublicationTests {

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

	@AfterEach
	void stop() {
		this.timer.shutdownNow();
	}

	@Test
	void requestReadsItsParametersWithDefaults() {
		TimerRequest request = TimerRequest
			.of(Map.of("channel", "bench", "rate", "200", "count", "10", "run", "ff")::get);
		assertThat(request).isEqualTo(new TimerRequest("bench", 200, 10, 256, 0xff, true, 0));
		TimerRequest warm = TimerRequest.of(Map.of("channel", "c", "rate", "1.5", "count", "1", "run", "a", "payload",
				"128", "measured", "false", "first", "7")::get);
		assertThat(warm).isEqualTo(new TimerRequest("c", 1.5, 1, 128, 0xa, false, 7));
	}

	@Test
	void requestNeedsChannelRateCountAndRun() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TimerRequest.of(Map.of("rate", "1", "count", "1", "run", "a")::get));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TimerRequest.of(Map.of("channel", "c", "rate", "0", "count", "1", "run", "a")::get));
	}

	@Test
	void sendsEveryMessageInTheLoadGeneratorsFormatAndCountsWhatWasAccepted() throws Exception {
		List<Payload> sent = new CopyOnWriteArrayList<>();
		TimerRequest request = new TimerRequest("bench", 1_000_000, 50, 256, 0xbeef, false, 100);
		TimerPublication.Outcome outcome = TimerPublication.start(request, this.timer, (body, accepted) -> {
			assertThat(body).hasSize(256);
			Payload payload = Payload.decode(body, body.length);
			sent.add(payload);
			// the server refuses one of them, answering from another thread
			new Thread(() -> accepted.accept(payload.sequence() != 120)).start();
		}).get(30, TimeUnit.SECONDS);
		assertThat(outcome.sent()).isEqualTo(50);
		assertThat(outcome.accepted()).isEqualTo(49);
		assertThat(outcome.lastSendNanos()).isGreaterThanOrEqualTo(outcome.startNanos());
		assertThat(sent).extracting(Payload::sequence)
			.containsExactlyElementsOf(LongStream.range(100, 150).boxed().toList());
		assertThat(sent).allSatisfy((payload) -> {
			assertThat(payload.run()).isEqualTo(0xbeef);
			assertThat(payload.measured()).isFalse();
		});
	}

	@Test
	void outcomeIsNameValueLines() {
		assertThat(new TimerPublication.Outcome(3, 2, 10, 20, 30).text())
			.isEqualTo("sent=3\naccepted=2\nmaxLagNanos=10\nstartNanos=20\nlastSendNanos=30\n");
	}

	@Test
	void nothingToSendCompletesAtOnce() throws Exception {
		TimerRequest request = new TimerRequest("bench", 100, 0, 256, 1, true, 0);
		TimerPublication.Outcome outcome = TimerPublication.start(request, this.timer, (body, accepted) -> {
			throw new AssertionError("nothing is sent");
		}).get(30, TimeUnit.SECONDS);
		assertThat(outcome.sent()).isZero();
		assertThat(outcome.accepted()).isZero();
	}

}
