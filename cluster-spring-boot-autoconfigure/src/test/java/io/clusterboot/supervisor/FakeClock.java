package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;

/**
 * {@link SupervisorClock} moved by hand. Its monotonic time starts a minute before it
 * wraps around, as {@link System#nanoTime()} may, so that a deadline compared without
 * subtraction fails a test.
 */
final class FakeClock implements SupervisorClock {

	static final Instant START = Instant.parse("2025-01-01T12:00:00Z");

	private long nanoTime = Long.MAX_VALUE - Duration.ofMinutes(1).toNanos();

	private Instant now = START;

	@Override
	public long nanoTime() {
		return this.nanoTime;
	}

	@Override
	public Instant now() {
		return this.now;
	}

	void advance(Duration duration) {
		this.nanoTime += duration.toNanos();
		this.now = this.now.plus(duration);
	}

}
