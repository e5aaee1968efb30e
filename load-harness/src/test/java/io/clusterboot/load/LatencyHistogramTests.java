package io.clusterboot.load;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LatencyHistogram}.
 */
class LatencyHistogramTests {

	@Test
	void isExactForSmallValues() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (int value = 1; value <= 200; value++) {
			histogram.record(value);
		}
		assertThat(histogram.valueAtPercentile(50)).isEqualTo(100);
		assertThat(histogram.valueAtPercentile(99)).isEqualTo(198);
		assertThat(histogram.valueAtPercentile(100)).isEqualTo(200);
		assertThat(histogram.max()).isEqualTo(200);
		assertThat(histogram.mean()).isEqualTo(100);
		assertThat(histogram.count()).isEqualTo(200);
	}

	@Test
	void bucketsHoldTheirValuesWithinOnePartIn128() {
		Random random = new Random(42);
		for (int i = 0; i < 20_000; i++) {
			long value = random.nextLong() >>> (24 + random.nextInt(40));
			long highest = LatencyHistogram.highestInBucket(LatencyHistogram.index(value));
			assertThat(highest).isGreaterThanOrEqualTo(value);
			assertThat(highest - value).isLessThanOrEqualTo(value / 128);
			assertThat(LatencyHistogram.index(highest + 1)).isEqualTo(LatencyHistogram.index(value) + 1);
		}
	}

	@Test
	void percentilesMatchSortedValuesWithinPrecision() {
		Random random = new Random(7);
		long[] values = new long[200_000];
		LatencyHistogram histogram = new LatencyHistogram();
		for (int i = 0; i < values.length; i++) {
			values[i] = (long) (200_000 * Math.exp(random.nextGaussian()));
			histogram.record(values[i]);
		}
		Arrays.sort(values);
		for (double percentile : new double[] { 50, 90, 99, 99.9 }) {
			long exact = values[(int) Math.ceil(percentile / 100 * values.length) - 1];
			assertThat(histogram.valueAtPercentile(percentile)).as("p%s", percentile)
				.isBetween(exact, exact + exact / 128);
		}
		assertThat(histogram.max()).isEqualTo(values[values.length - 1]);
	}

	@Test
	void keepsExactMaximumBeyondTrackedRange() {
		LatencyHistogram histogram = new LatencyHistogram();
		histogram.record(1_000);
		histogram.record(500_000_000_000L);
		assertThat(histogram.max()).isEqualTo(500_000_000_000L);
		assertThat(histogram.valueAtPercentile(100)).isLessThanOrEqualTo(500_000_000_000L).isGreaterThan(60_000_000_000L);
	}

	@Test
	void addsOtherHistograms() {
		LatencyHistogram first = new LatencyHistogram();
		LatencyHistogram second = new LatencyHistogram();
		first.record(10);
		second.record(30);
		second.record(20);
		first.add(second);
		assertThat(first.count()).isEqualTo(3);
		assertThat(first.max()).isEqualTo(30);
		assertThat(first.valueAtPercentile(50)).isEqualTo(20);
	}

	@Test
	void isZeroWhenEmpty() {
		LatencyHistogram histogram = new LatencyHistogram();
		assertThat(histogram.valueAtPercentile(99)).isZero();
		assertThat(histogram.mean()).isZero();
	}

}
