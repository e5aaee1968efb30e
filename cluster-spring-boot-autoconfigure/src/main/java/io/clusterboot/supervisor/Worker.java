package io.clusterboot.supervisor;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.IpcServer;

/**
 * One worker process as the supervisor tracks it. Only the supervisor's thread changes
 * it, except {@link #pid}, which the IPC thread reads to authenticate the worker.
 */
final class Worker {

	final int id;

	final String secret;

	final Instant forkedAt = Instant.now();

	final long forkedNanos = System.nanoTime();

	volatile long pid = -1;

	@Nullable Process process;

	WorkerState state = WorkerState.FORKED;

	@Nullable IpcServer.Connection connection;

	boolean disconnected;

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

	long stopDeadlineNanos;

	/**
	 * Why the master decided to kill the worker (hung, unhealthy, boot timeout).
	 */
	@Nullable ExitCause killCause;

	long killAtNanos;

	boolean killed;

	@Nullable WorkerExit exit;

	/**
	 * Requests after which this worker is recycled (max-requests plus its jitter), or 0.
	 */
	long requestLimit;

	Worker(int id, String secret) {
		this.id = id;
		this.secret = secret;
	}

	boolean isReady() {
		return this.listeningNanos != 0;
	}

	boolean isLeaving() {
		return this.stopCause != null || this.killCause != null;
	}

	WorkerInfo toInfo(int restarts, @Nullable WorkerExit lastExit) {
		return new WorkerInfo(this.id, this.pid, this.state, this.forkedAt, this.listeningAt, this.host, this.port,
				restarts, lastExit, this.stats, this.lastHeartbeatAt, this.exit);
	}

	@Override
	public String toString() {
		return "worker " + this.id + " (pid " + this.pid + ")";
	}

}
