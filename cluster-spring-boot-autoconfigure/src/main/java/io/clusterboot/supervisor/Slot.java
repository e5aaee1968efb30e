package io.clusterboot.supervisor;

import io.clusterboot.state.WorkerExit;

import org.jspecify.annotations.Nullable;

/**
 * A numbered place in the cluster, filled by one worker at a time (two while it is being
 * replaced). The worker id users see is the slot id, stable across restarts.
 */
final class Slot {

	final int id;

	/**
	 * The worker serving in this slot, or {@code null} while a restart is pending.
	 */
	@Nullable Worker worker;

	/**
	 * A new worker booting to take over from {@link #worker}.
	 */
	@Nullable Worker replacement;

	/**
	 * When to start the next worker, in {@link System#nanoTime()} terms.
	 */
	long restartAtNanos = System.nanoTime();

	int restarts;

	int consecutiveFailures;

	int bootFailures;

	@Nullable WorkerExit lastExit;

	/**
	 * No recycling before this time, in {@link System#nanoTime()} terms, after a recycling
	 * whose replacement failed.
	 */
	long recycleNotBeforeNanos = System.nanoTime();

	Slot(int id) {
		this.id = id;
	}

}
