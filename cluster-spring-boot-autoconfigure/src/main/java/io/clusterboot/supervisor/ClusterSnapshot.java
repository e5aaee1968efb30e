package io.clusterboot.supervisor;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The state of the whole cluster at one moment, as the supervisor last published it.
 *
 * @param masterPid the master's process id
 * @param startedAt when the master started supervising
 * @param port the port the workers share, or {@code -1} without a web server
 * @param targetWorkers how many workers the cluster should run
 * @param stopping whether the cluster is shutting down
 * @param workers every live worker process, by id (a slot being replaced has two)
 * @param rollout the current or latest rolling replacement, or {@code null}
 * @since 0.1.0
 */
public record ClusterSnapshot(long masterPid, Instant startedAt, int port, int targetWorkers, boolean stopping,
		List<WorkerInfo> workers, @Nullable RolloutStatus rollout) {

	/**
	 * The worker currently serving in a slot, or the newest process of that slot.
	 * @param id the slot id
	 * @return the worker, if the slot has one
	 */
	public Optional<WorkerInfo> worker(int id) {
		WorkerInfo found = null;
		for (WorkerInfo worker : this.workers) {
			if (worker.id() == id && (found == null || worker.state() == WorkerState.LISTENING)) {
				found = worker;
			}
		}
		return Optional.ofNullable(found);
	}

	/**
	 * Number of workers that are listening.
	 * @return the count
	 */
	public long listeningWorkers() {
		return this.workers.stream().filter((worker) -> worker.state() == WorkerState.LISTENING).count();
	}

}
