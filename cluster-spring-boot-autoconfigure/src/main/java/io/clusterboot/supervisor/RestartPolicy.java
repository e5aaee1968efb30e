package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.Collection;

import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerState;

/**
 * What follows when a slot loses its worker unplanned, or cannot start one: a restart
 * after the backoff's delay, which grows with each failure in a row and starts over once
 * a worker has served long enough. Failures to boot are counted apart, because they
 * decide when the master gives up: at the first start, a slot that fails to boot
 * {@code max-boot-failures} times in a row; once the cluster has served, only when no
 * worker serves and every slot has failed that often. Used on the supervisor's thread
 * only.
 */
final class RestartPolicy {

	private final SupervisorSettings.Restart settings;

	private final ClusterTally tally;

	private final SupervisorClock clock;

	RestartPolicy(SupervisorSettings.Restart settings, ClusterTally tally, SupervisorClock clock) {
		this.settings = settings;
		this.tally = tally;
		this.clock = clock;
	}

	/**
	 * Schedule a slot's next worker after its worker exited unplanned.
	 * @param slot the slot
	 * @param worker the worker that exited
	 * @param exit how it exited
	 * @return the delay before the next worker starts
	 */
	Duration afterExit(Slot slot, SupervisedWorker worker, WorkerExit exit) {
		if (ExitClassifier.failedToBoot(worker, exit)) {
			slot.failedBoots++;
		}
		else if (worker.isReady() && this.clock.nanoTime() - worker.listeningNanos >= this.settings.resetAfter()
			.toNanos()) {
			slot.consecutiveFailures = 0;
		}
		return restartLater(slot);
	}

	/**
	 * Schedule a slot's next attempt after its worker process could not even be started.
	 * @param slot the slot
	 * @return the delay before the next attempt
	 */
	Duration afterFailedStart(Slot slot) {
		slot.failedBoots++;
		return restartLater(slot);
	}

	/**
	 * Whether a slot has failed to boot as often in a row as the master allows at the
	 * first start.
	 * @param slot the slot
	 * @return {@code true} once the limit is reached
	 */
	boolean exhausted(Slot slot) {
		return slot.failedBoots >= this.settings.maxBootFailures();
	}

	/**
	 * Whether nothing can serve any more: no worker is listening and every slot is
	 * {@link #exhausted}.
	 * @param slots the slots
	 * @return {@code true} if the cluster should give up
	 */
	boolean nothingCanServe(Collection<Slot> slots) {
		if (slots.isEmpty()) {
			return false;
		}
		for (Slot slot : slots) {
			if (!exhausted(slot) || (slot.worker != null && slot.worker.state == WorkerState.LISTENING)) {
				return false;
			}
		}
		return true;
	}

	int maxBootFailures() {
		return this.settings.maxBootFailures();
	}

	private Duration restartLater(Slot slot) {
		slot.consecutiveFailures++;
		slot.restarts++;
		this.tally.restarts++;
		Duration delay = this.settings.backoff().delay(slot.consecutiveFailures);
		slot.restartAtNanos = this.clock.nanoTime() + delay.toNanos();
		return delay;
	}

}
