package dev.evstream.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.tck.PublisherVerification;
import org.reactivestreams.tck.TestEnvironment;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The publisher of a connection's output passes the Reactive Streams TCK, over a source
 * that hands out a given number of batches, one per take, then ends.
 */
public class BatchPublisherTckTests extends PublisherVerification<List<byte[]>> {

	public BatchPublisherTckTests() {
		super(new TestEnvironment(200, 50));
	}

	/**
	 * The output is unicast: a second subscriber is refused, and the first one keeps its
	 * batches.
	 */
	@Override
	public void optional_spec111_maySupportMultiSubscribe() {
		BatchPublisher publisher = new BatchPublisher(new CountedSource(3), "tck");
		List<List<byte[]>> first = new ArrayList<>();
		Flux.from(publisher).subscribe(first::add);
		StepVerifier.create(publisher)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessage("The output of stream tck allows one subscriber"))
			.verify(Duration.ofSeconds(5));
		assertThat(first).hasSize(3);
	}

	@Override
	public Publisher<List<byte[]>> createPublisher(long elements) {
		return new BatchPublisher(new CountedSource(elements), "tck");
	}

	@Override
	public Publisher<List<byte[]>> createFailedPublisher() {
		BatchPublisher publisher = new BatchPublisher(new CountedSource(Long.MAX_VALUE), "tck");
		publisher.abort(new EvSlowConsumerException("tck"));
		return publisher;
	}

	/**
	 * A source of {@code count} one-chunk batches.
	 */
	private static final class CountedSource implements BatchSource {

		private static final List<byte[]> BATCH = List.of("data: x\n\n".getBytes(StandardCharsets.US_ASCII));

		private final AtomicLong remaining;

		CountedSource(long count) {
			this.remaining = new AtomicLong(count);
		}

		@Override
		public @Nullable List<byte[]> take() {
			return (this.remaining.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) ? BATCH : null;
		}

		@Override
		public boolean hasEnded() {
			return this.remaining.get() == 0;
		}

		@Override
		public void discard() {
		}

		@Override
		public void cancelled() {
		}

	}

}
