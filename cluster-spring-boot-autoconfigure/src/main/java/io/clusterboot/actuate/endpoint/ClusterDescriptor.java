package io.clusterboot.actuate.endpoint;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import io.clusterboot.state.RolloutStatus;

/**
 * The whole cluster as {@code GET /actuator/cluster} shows it.
 *
 * @param role the role of the process that answered: {@code worker} or
 * {@code standalone}
 * @param answeredBy the process that answered
 * @param master the master, or {@code null} in a single process
 * @param portSharing how the workers share the port: {@code reuseport} (each binds it) or
 * {@code proxy} (the master accepts and hands connections over)
 * @param port the shared port
 * @param tcpMigrateReq the master's {@code net.ipv4.tcp_migrate_req}, if the kernel has it
 * @param targetWorkers how many workers the cluster should run
 * @param currentWorkers how many worker processes are alive (more than the target while
 * one is being replaced, or with spares)
 * @param listeningWorkers how many workers are ready
 * @param spares how many hot spares are booting or standing by, not yet promoted (id 0,
 * not counted as ready)
 * @param maxWorkers the largest number of workers the cluster may be scaled to
 * @param stopping whether the cluster is shutting down
 * @param stateAgeMillis age of the master's snapshot this answer is made from
 * @param rollout the current or latest rolling replacement
 * @param totals running totals since the master started
 * @param workers every live worker process
 * @param failingSlots the slots that keep failing to start a worker, if any
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterDescriptor(String role, ProcessDescriptor answeredBy, @Nullable MasterDescriptor master,
		@Nullable String portSharing, @Nullable Integer port, @Nullable Integer tcpMigrateReq,
		@Nullable Integer targetWorkers, @Nullable Integer currentWorkers, @Nullable Long listeningWorkers,
		@Nullable Long spares, @Nullable Integer maxWorkers, @Nullable Boolean stopping, @Nullable Long stateAgeMillis,
		@Nullable RolloutStatus rollout, @Nullable TotalsDescriptor totals, @Nullable List<WorkerDescriptor> workers,
		@Nullable List<SlotDescriptor> failingSlots)
		implements OperationResponseBody {

	/**
	 * A process.
	 *
	 * @param worker the worker id, or 0 outside a cluster
	 * @param pid the process id
	 */
	public record ProcessDescriptor(int worker, long pid) {
	}

	/**
	 * The master.
	 *
	 * @param pid the master's process id
	 * @param startedAt when it started supervising
	 * @param uptimeMillis how long it has been supervising
	 */
	public record MasterDescriptor(long pid, String startedAt, long uptimeMillis) {
	}

	/**
	 * Running totals.
	 *
	 * @param restarts restarts after unplanned exits
	 * @param exits exits by cause
	 * @param rolloutsCompleted rolling replacements completed
	 * @param rolloutsFailed rolling replacements stopped by a failure
	 * @param messages messages the master received from workers
	 * @param messagesDropped messages the master could not pass on to a worker that had
	 * stopped reading
	 */
	public record TotalsDescriptor(long restarts, Map<String, Long> exits, long rolloutsCompleted, long rolloutsFailed,
			long messages, long messagesDropped) {
	}

	/**
	 * A slot that keeps failing to start a worker, while the others serve.
	 *
	 * @param id the slot id
	 * @param failedBoots workers in a row that exited before they were ready
	 * @param nextStartAt when the master tries again, or {@code null} while a worker boots
	 * @param lastExit how the last one exited
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record SlotDescriptor(int id, int failedBoots, @Nullable String nextStartAt,
			WorkerDescriptor.@Nullable ExitDescriptor lastExit) {
	}

}
