package dev.evstream.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.evstream.core.EvMessage;
import dev.evstream.core.EvStream;
import dev.evstream.core.EvStreamManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's side of a broadcast: one {@code send} to a channel with N listeners, up to
 * the batches of bytes each connection hands to its HTTP layer, which here only counts
 * them. Divide the time of one operation by N for the engine's cost per delivery, the
 * part of the server's CPU per delivery that is not Netty's.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BroadcastBenchmark {

	@Param({ "1000", "10000" })
	private int listeners;

	private final EvMessage message = EvMessage.of("bench", "EVB1 1 M 1 1 " + "x".repeat(243));

	private EvStreamManager manager;

	/**
	 * Opens the listeners, each drained by a subscriber that requests everything.
	 * @param blackhole where the batches go
	 */
	@Setup(Level.Trial)
	public void open(Blackhole blackhole) {
		this.manager = EvStreamManager.builder()
			.jsonMapper(JsonMapper.builder().build())
			.maxConnections(this.listeners + 1)
			.maxListeners(this.listeners)
			.build();
		for (int i = 0; i < this.listeners; i++) {
			EvStream stream = this.manager.createStream();
			stream.listen("bench");
			stream.output().subscribe(new Drain(blackhole));
		}
	}

	/**
	 * Closes the manager.
	 */
	@TearDown(Level.Trial)
	public void close() {
		this.manager.close();
	}

	/**
	 * Broadcasts one message.
	 */
	@Benchmark
	public void send() {
		this.manager.send("bench", this.message);
	}

	/**
	 * Takes every batch, as a connection that is always writable.
	 */
	private static final class Drain extends BaseSubscriber<List<byte[]>> {

		private final Blackhole blackhole;

		Drain(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		protected void hookOnNext(List<byte[]> batch) {
			this.blackhole.consume(batch);
		}

	}

}
