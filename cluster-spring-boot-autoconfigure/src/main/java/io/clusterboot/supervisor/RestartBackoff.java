package io.clusterboot.supervisor;

import java.time.Duration;

/**
 * Exponential restart delay with a cap, after PM2's {@code exp_backoff_restart_delay}: the
 * first restart waits the initial delay, each further consecutive one the previous delay
 * times the multiplier, never more than the maximum.
 *
 * @since 0.1.0
 */
public final class RestartBackoff {

	private final Duration initialDelay;

	private final double multiplier;

	private final Duration maxDelay;

	/**
	 * Create a backoff.
	 * @param initialDelay delay before the first restart
	 * @param multiplier factor for each further consecutive restart, at least 1
	 * @param maxDelay cap on the delay
	 */
	public RestartBackoff(Duration initialDelay, double multiplier, Duration maxDelay) {
		if (initialDelay.isNegative() || maxDelay.isNegative()) {
			throw new IllegalArgumentException("Restart delays must not be negative");
		}
		if (!(multiplier >= 1.0)) {
			throw new IllegalArgumentException("cluster.restart.multiplier must be at least 1, not " + multiplier);
		}
		this.initialDelay = initialDelay;
		this.multiplier = multiplier;
		this.maxDelay = maxDelay;
	}

	/**
	 * Delay before the {@code attempt}-th consecutive restart.
	 * @param attempt the number of consecutive unplanned exits, from 1
	 * @return the delay
	 */
	public Duration delay(int attempt) {
		if (attempt < 1) {
			return Duration.ZERO;
		}
		double millis = this.initialDelay.toMillis() * Math.pow(this.multiplier, attempt - 1);
		if (millis >= this.maxDelay.toMillis()) {
			return this.maxDelay;
		}
		return Duration.ofMillis(Math.round(millis));
	}

}
