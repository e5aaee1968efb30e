package io.clusterboot.load;

import java.time.Duration;

/**
 * Latency percentiles of the successful requests of a {@link LoadRun}, each rounded up by
 * at most 0.8%; all zero when there was none.
 *
 * @param count the number of successful requests measured
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param p999 the 99.9th percentile
 * @param max the exact maximum
 * @param mean the exact mean
 * @since 0.1.0
 */
public record LatencySummary(long count, Duration p50, Duration p90, Duration p99, Duration p999, Duration max,
		Duration mean) {

	static LatencySummary of(LatencyHistogram histogram) {
		return new LatencySummary(histogram.count(), percentile(histogram, 50), percentile(histogram, 90),
				percentile(histogram, 99), percentile(histogram, 99.9), Duration.ofNanos(histogram.max()),
				Duration.ofNanos(histogram.mean()));
	}

	private static Duration percentile(LatencyHistogram histogram, double percentile) {
		return Duration.ofNanos(histogram.valueAtPercentile(percentile));
	}

}
