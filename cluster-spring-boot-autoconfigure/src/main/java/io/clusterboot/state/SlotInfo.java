package io.clusterboot.state;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One numbered place of the cluster at one moment: the worker id users see, stable across
 * the restarts of the processes that fill it.
 *
 * @param id the slot id, from 1
 * @param restarts restarts of this slot's worker after unplanned exits
 * @param failedBoots consecutive attempts to start a worker here that ended before it
 * was ready; 0 once one is
 * @param lastExit how this slot's previous worker exited, or {@code null}
 * @param nextStartAt when the master starts this slot's next worker, or {@code null}
 * unless the slot is empty and waiting for that restart
 * @since 0.1.0
 */
public record SlotInfo(int id, int restarts, int failedBoots, @Nullable WorkerExit lastExit,
		@Nullable Instant nextStartAt) {

	/**
	 * Whether the slot keeps failing to start a worker: it is waiting for a restart after
	 * a worker that never became ready.
	 * @return {@code true} while the slot is failing to boot
	 */
	public boolean failing() {
		return this.failedBoots > 0;
	}

}
