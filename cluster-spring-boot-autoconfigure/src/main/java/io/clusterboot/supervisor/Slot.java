package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerExit;

/**
 * A numbered place in the cluster, filled by one worker at a time (two while it is being
 * replaced). The worker id users see is the slot id, stable across restarts.
 */
final class Slot {

	final int id;

	/**
	 * The worker serving in this slot, or {@code null} while a restart is pending.
	 */
	@Nullable SupervisedWorker worker;

	/**
	 * A new worker booting to take over from {@link #worker}.
	 */
	@Nullable SupervisedWorker replacement;

	/**
	 * When to start the next worker, in {@link SupervisorClock#nanoTime()} terms.
	 */
	long restartAtNanos;

	int restarts;

	int consecutiveFailures;

	/**
	 * Workers in a row that exited before they were ready.
	 */
	int failedBoots;

	@Nullable WorkerExit lastExit;

	/**
	 * No recycling before this time, after a recycling whose replacement failed.
	 */
	long recycleNotBeforeNanos;

	Slot(int id, long nowNanos) {
		this.id = id;
		this.restartAtNanos = nowNanos;
		this.recycleNotBeforeNanos = nowNanos;
	}

	boolean isEmpty() {
		return this.worker == null && this.replacement == null;
	}

	SlotInfo toInfo(long nowNanos, Instant now, boolean restarting) {
		Instant nextStartAt = (restarting && isEmpty())
				? now.plus(Duration.ofNanos(Math.max(0, this.restartAtNanos - nowNanos))) : null;
		return new SlotInfo(this.id, this.restarts, this.failedBoots, this.lastExit, nextStartAt);
	}

}
