package io.clusterboot.state;

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
 * @param slots every slot, by id, live process or not
 * @param rollout the current or latest rolling replacement, or {@code null}
 * @param maxWorkers the largest number of workers the cluster may be scaled to
 * @param counters running totals since the master started
 * @param takenAt when the supervisor took this snapshot
 * @param portSharing how the workers share the port: {@code reuseport} (each binds it),
 * {@code proxy} (the master accepts and hands connections over), or {@code none} without
 * a web server
 * @param tcpMigrateReq the master's {@code net.ipv4.tcp_migrate_req}, or {@code null}
 * where the kernel has no such setting
 * @since 0.1.0
 */
public record ClusterSnapshot(long masterPid, Instant startedAt, int port, int targetWorkers, boolean stopping,
		List<WorkerInfo> workers, List<SlotInfo> slots, @Nullable RolloutStatus rollout, int maxWorkers, ClusterCounters counters,
		Instant takenAt, String portSharing, @Nullable Integer tcpMigrateReq) {

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
	 * The slots that keep failing to start a worker.
	 * @return the failing slots, by id
	 */
	public List<SlotInfo> failingSlots() {
		return this.slots.stream().filter(SlotInfo::failing).toList();
	}

	/**
	 * Number of workers that are listening.
	 * @return the count
	 */
	public long listeningWorkers() {
		return this.workers.stream().filter((worker) -> worker.state() == WorkerState.LISTENING).count();
	}

	/**
	 * Number of hot spares not yet promoted, booting or standing by.
	 * @return the count
	 */
	public long spares() {
		return this.workers.stream().filter((worker) -> worker.id() == 0).count();
	}

}
