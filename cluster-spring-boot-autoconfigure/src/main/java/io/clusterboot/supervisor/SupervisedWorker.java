package io.clusterboot.supervisor;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.launch.WorkerProcess;
import io.clusterboot.state.ConnectionStats;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

/**
 * One worker process as the supervisor tracks it. Only the supervisor's thread changes
 * it, except {@link #pid}, which the channel's thread reads to authenticate the worker.
 */
final class SupervisedWorker {

	/**
	 * The slot id, or 0 for a spare until it is promoted; the channel's thread reads it.
	 */
	volatile int id;

	final String secret;

	/**
	 * The number the worker's JVM options were rewritten with (debug and JMX ports, log
	 * file names): the slot id, or for a spare a number above {@code cluster.max-workers}.
	 */
	int launchId;

	final Instant forkedAt;

	final long forkedNanos;

	volatile long pid = -1;

	@Nullable WorkerProcess process;

	WorkerState state = WorkerState.FORKED;

	@Nullable IpcPeer connection;

	boolean disconnected;

	/**
	 * When a spare said it stands by, or 0.
	 */
	long standingByNanos;

	/**
	 * When the worker's boot began, for its boot timeout: its fork, or a spare's promotion.
	 */
	long bootStartedNanos;

	@Nullable Instant listeningAt;

	long listeningNanos;

	@Nullable String host;

	int port = -1;

	WorkerStats stats = WorkerStats.NONE;

	@Nullable Instant lastHeartbeatAt;

	long lastHeartbeatNanos;

	/**
	 * Why the master asked the worker to stop; set means the exit is planned.
	 */
	@Nullable ExitCause stopCause;

	/**
	 * When the master kills a worker that is on its way out but has not exited.
	 */
	long stopDeadlineNanos;

	/**
	 * Why the master decided to kill the worker (hung, unhealthy, boot timeout, lost).
	 */
	@Nullable ExitCause killCause;

	long killAtNanos;

	boolean killed;

	/**
	 * Whether the worker said it was exiting of its own accord.
	 */
	boolean exiting;

	/**
	 * Why its application failed to start, as the worker said.
	 */
	@Nullable String startFailure;

	@Nullable WorkerExit exit;

	/**
	 * Requests after which this worker is recycled (max-requests plus its jitter), or 0.
	 */
	long requestLimit;

	SupervisedWorker(int id, String secret, Instant forkedAt, long forkedNanos) {
		this.id = id;
		this.secret = secret;
		this.forkedAt = forkedAt;
		this.forkedNanos = forkedNanos;
		this.bootStartedNanos = forkedNanos;
		this.launchId = id;
	}

	boolean isReady() {
		return this.listeningNanos != 0;
	}

	/**
	 * Whether this is a spare that has booted and waits to be promoted: its boot is
	 * done until then.
	 */
	boolean isWaitingForPromotion() {
		return this.state == WorkerState.SPARE && this.id == 0;
	}

	/**
	 * Whether this is a spare the master may promote now.
	 */
	boolean isPromotable() {
		return isWaitingForPromotion() && !isLeaving() && this.connection != null;
	}

	boolean isLeaving() {
		return this.stopCause != null || this.killCause != null;
	}

	WorkerInfo toInfo(int restarts, @Nullable WorkerExit lastExit, @Nullable ConnectionStats connections) {
		return new WorkerInfo(this.id, this.pid, this.state, this.forkedAt, this.listeningAt, this.host, this.port,
				restarts, lastExit, this.stats, this.lastHeartbeatAt, this.exit, connections);
	}

	@Override
	public String toString() {
		return WorkerInfo.label(this.id, this.pid);
	}

}
