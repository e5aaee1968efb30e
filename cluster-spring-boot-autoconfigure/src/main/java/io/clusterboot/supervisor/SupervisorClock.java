package io.clusterboot.supervisor;

import java.time.Instant;

/**
 * The supervisor's time: a monotonic clock for deadlines and the wall clock for what it
 * shows. A test runs the loop on a clock it moves by hand.
 */
interface SupervisorClock {

	/**
	 * The system's clocks.
	 */
	SupervisorClock SYSTEM = new SupervisorClock() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public Instant now() {
			return Instant.now();
		}

	};

	/**
	 * Monotonic time, for deadlines.
	 * @return nanoseconds from an arbitrary origin
	 */
	long nanoTime();

	/**
	 * Wall-clock time, for what people see.
	 * @return the current instant
	 */
	Instant now();

}
