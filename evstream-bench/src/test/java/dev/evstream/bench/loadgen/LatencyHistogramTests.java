package dev.evstream.bench.loadgen;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link LatencyHistogram}.
 */
class LatencyHistogramTests {

	@Test
	void emptyGivesZeros() {
		LatencyHistogram histogram = new LatencyHistogram();
		assertThat(histogram.percentile(99)).isZero();
		assertThat(histogram.count()).isZero();
		assertThat(histogram.min()).isZero();
		assertThat(histogram.mean()).isZero();
	}

	@Test
	void smallValuesAreExact() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (int i = 1; i <= 100; i++) {
			histogram.record(i);
		}
		assertThat(histogram.percentile(50)).isEqualTo(50);
		assertThat(histogram.percentile(99)).isEqualTo(99);
		assertThat(histogram.percentile(100)).isEqualTo(100);
		assertThat(histogram.min()).isEqualTo(1);
		assertThat(histogram.mean()).isEqualTo(50.5);
	}

	@Test
	void percentilesOfLargeValuesAreWithinOnePercent() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (long i = 1; i <= 100_000; i++) {
			histogram.record(i * 1000);
		}
		assertThat((double) histogram.percentile(50)).isCloseTo(50_000_000, within(500_000.0));
		assertThat((double) histogram.percentile(99)).isCloseTo(99_000_000, within(990_000.0));
		assertThat((double) histogram.percentile(99.9)).isCloseTo(99_900_000, within(999_000.0));
		assertThat(histogram.max()).isEqualTo(100_000_000);
	}

	@Test
	void tailIsSeenByHighPercentilesOnly() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (int i = 0; i < 990; i++) {
			histogram.record(1_000_000);
		}
		for (int i = 0; i < 10; i++) {
			histogram.record(500_000_000);
		}
		assertThat((double) histogram.percentile(99)).isCloseTo(1_000_000, within(10_000.0));
		assertThat((double) histogram.percentile(99.9)).isCloseTo(500_000_000, within(5_000_000.0));
	}

	@Test
	void bucketsCoverTheWholeRangeInOrder() {
		int previous = -1;
		for (int shift = 0; shift < 63; shift++) {
			long value = 1L << shift;
			int index = LatencyHistogram.index(value);
			assertThat(index).isGreaterThan(previous);
			previous = index;
		}
		LatencyHistogram histogram = new LatencyHistogram();
		histogram.record(Long.MAX_VALUE);
		histogram.record(-5);
		assertThat(histogram.max()).isEqualTo(Long.MAX_VALUE);
		assertThat(histogram.min()).isZero();
	}

	@Test
	void addMergesCounts() {
		LatencyHistogram a = new LatencyHistogram();
		LatencyHistogram b = new LatencyHistogram();
		a.record(10);
		b.record(20);
		b.record(30);
		a.add(b);
		assertThat(a.count()).isEqualTo(3);
		assertThat(a.percentile(100)).isEqualTo(30);
		assertThat(a.min()).isEqualTo(10);
	}

}
