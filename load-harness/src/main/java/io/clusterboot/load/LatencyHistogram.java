package io.clusterboot.load;

/**
 * Log-bucketed histogram of latencies in nanoseconds, after HdrHistogram: exact below
 * 256 ns, then 128 buckets per power of two, so a percentile is at most 0.8% above the
 * true value, in 30 KB whatever the number of values.
 */
final class LatencyHistogram {

	private static final int PRECISION_BITS = 8;

	private static final int HALF_BUCKETS = 1 << (PRECISION_BITS - 1);

	/**
	 * Largest value told apart, about 68 seconds; longer latencies share the top bucket
	 * and only {@link #max()} is exact for them.
	 */
	private static final long HIGHEST_TRACKED = (1L << 36) - 1;

	private final long[] counts = new long[index(HIGHEST_TRACKED) + 1];

	private long count;

	private long sum;

	private long max;

	void record(long nanos) {
		long value = Math.max(0, nanos);
		this.counts[index(Math.min(value, HIGHEST_TRACKED))]++;
		this.count++;
		this.sum += value;
		this.max = Math.max(this.max, value);
	}

	void add(LatencyHistogram other) {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] += other.counts[i];
		}
		this.count += other.count;
		this.sum += other.sum;
		this.max = Math.max(this.max, other.max);
	}

	long count() {
		return this.count;
	}

	long max() {
		return this.max;
	}

	long mean() {
		return (this.count != 0) ? this.sum / this.count : 0;
	}

	/**
	 * The smallest recorded value that at least the given percentage of values do not
	 * exceed, rounded up to the top of its bucket but never above the maximum.
	 * @param percentile between 0 and 100
	 * @return the value in nanoseconds, 0 if nothing was recorded
	 */
	long valueAtPercentile(double percentile) {
		if (this.count == 0) {
			return 0;
		}
		long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * this.count));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return Math.min(highestInBucket(i), this.max);
			}
		}
		return this.max;
	}

	static int index(long value) {
		if (value < 2 * HALF_BUCKETS) {
			return (int) value;
		}
		int shift = (63 - Long.numberOfLeadingZeros(value)) - (PRECISION_BITS - 1);
		return (shift << (PRECISION_BITS - 1)) + (int) (value >>> shift);
	}

	static long highestInBucket(int index) {
		if (index < 2 * HALF_BUCKETS) {
			return index;
		}
		int shift = (index >> (PRECISION_BITS - 1)) - 1;
		long top = index - ((long) shift << (PRECISION_BITS - 1));
		return ((top + 1) << shift) - 1;
	}

}
