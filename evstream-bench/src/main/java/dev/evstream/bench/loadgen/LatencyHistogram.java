package dev.evstream.bench.loadgen;

/**
 * A histogram of non-negative values with a relative precision better than 1%: exact up
 * to 255, then 128 buckets per power of two. It records in constant time without
 * allocating, which a load generator counting hundreds of thousands of deliveries per
 * second on one core needs. Not thread-safe.
 *
 * @since 0.1.0
 */
public final class LatencyHistogram {

	private static final int EXACT = 256;

	private static final int HALF = 128;

	private final long[] counts = new long[EXACT + (63 - 8) * HALF];

	private long total;

	private long min = Long.MAX_VALUE;

	private long max;

	private double sum;

	/**
	 * Records a value; negative values, which a clock cannot produce, count as zero.
	 * @param value the value
	 */
	public void record(long value) {
		long v = Math.max(0, value);
		this.counts[index(v)]++;
		this.total++;
		this.sum += v;
		this.min = Math.min(this.min, v);
		this.max = Math.max(this.max, v);
	}

	/**
	 * Returns the number of recorded values.
	 * @return the count
	 */
	public long count() {
		return this.total;
	}

	/**
	 * Returns the largest recorded value, exactly.
	 * @return the maximum, zero when empty
	 */
	public long max() {
		return this.max;
	}

	/**
	 * Returns the smallest recorded value, exactly.
	 * @return the minimum, zero when empty
	 */
	public long min() {
		return (this.total == 0) ? 0 : this.min;
	}

	/**
	 * Returns the mean of the recorded values.
	 * @return the mean, zero when empty
	 */
	public double mean() {
		return (this.total == 0) ? 0 : this.sum / this.total;
	}

	/**
	 * Returns the value below or at which the given percentage of the values lie, within
	 * the precision of the buckets (the middle of the bucket is returned, never more than
	 * the maximum).
	 * @param percent the percentile, from 0 to 100
	 * @return the value, zero when empty
	 */
	public long percentile(double percent) {
		if (this.total == 0) {
			return 0;
		}
		long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * this.total));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return Math.max(this.min, Math.min(this.max, middle(i)));
			}
		}
		return this.max;
	}

	/**
	 * Adds the values of another histogram to this one.
	 * @param other the other histogram
	 */
	public void add(LatencyHistogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.total += other.total;
		this.sum += other.sum;
		this.min = Math.min(this.min, other.min);
		this.max = Math.max(this.max, other.max);
	}

	static int index(long value) {
		if (value < EXACT) {
			return (int) value;
		}
		int exponent = 63 - Long.numberOfLeadingZeros(value);
		int shift = exponent - 7;
		return EXACT + (exponent - 8) * HALF + (int) ((value >>> shift) - HALF);
	}

	private static long middle(int index) {
		if (index < EXACT) {
			return index;
		}
		int exponent = (index - EXACT) / HALF + 8;
		int shift = exponent - 7;
		long sub = (index - EXACT) % HALF + HALF;
		long low = sub << shift;
		return low + ((1L << shift) >>> 1);
	}

}
