package dev.evstream.core;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost of encoding one event, which evstream pays once per message whatever the
 * number of listeners: a 256-byte string message, and a state value through JSON. In the
 * engine's package, since the encoder is internal to it.
 *
 * @since 0.1.0
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseEncoderBenchmark {

	private final String payload = "EVB1 1 M 1 1 " + "x".repeat(243);

	private final SseEncoder encoder = new SseEncoder(JsonMapper.builder().build());

	private final Map<String, Object> state = Map.of("value", this.payload);

	/**
	 * Encodes a string message.
	 * @return the bytes
	 */
	@Benchmark
	public byte[] message() {
		return SseEncoder.encode(null, "bench", this.encoder.dataText(this.payload));
	}

	/**
	 * Encodes a state value as JSON, then as an event.
	 * @return the bytes
	 */
	@Benchmark
	public byte[] state() {
		return SseEncoder.encode(null, "bench-state", this.encoder.dataText(this.state));
	}

}
