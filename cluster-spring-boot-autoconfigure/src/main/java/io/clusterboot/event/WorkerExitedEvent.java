package io.clusterboot.event;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;

/**
 * A worker process has exited (Node's {@code exit}). Says how (exit code or signal), why
 * ({@link ExitCause}), whether the master wanted it ({@link #isPlanned()}, Node's
 * {@code exitedAfterDisconnect}) and when the slot's replacement will start.
 *
 * @since 0.1.0
 */
public class WorkerExitedEvent extends ClusterWorkerEvent {

	private final WorkerExit exit;

	private final @Nullable Duration restartDelay;

	WorkerExitedEvent(Object source, WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {
		super(source, worker);
		this.exit = exit;
		this.restartDelay = restartDelay;
	}

	/**
	 * How the worker exited.
	 * @return the exit
	 */
	public WorkerExit getExit() {
		return this.exit;
	}

	/**
	 * The process's exit value ({@code 128 + n} for signal {@code n}).
	 * @return the exit code
	 */
	public int getExitCode() {
		return this.exit.exitCode();
	}

	/**
	 * The signal that ended the worker.
	 * @return the signal name ({@code "KILL"}), or {@code null} if it exited with a code
	 */
	public @Nullable String getSignal() {
		return this.exit.signal();
	}

	/**
	 * Why the worker exited.
	 * @return the cause
	 */
	public ExitCause getCause() {
		return this.exit.cause();
	}

	/**
	 * Whether the master wanted this exit.
	 * @return {@code true} for a planned exit
	 */
	public boolean isPlanned() {
		return this.exit.planned();
	}

	/**
	 * When the slot's replacement will start.
	 * @return the delay before the restart, or {@code null} if the worker is not
	 * restarted (planned exit, cluster stopping)
	 */
	public @Nullable Duration getRestartDelay() {
		return this.restartDelay;
	}

	@Override
	public String toString() {
		return "WorkerExitedEvent[" + getWorker() + ": " + this.exit.describe() + "]";
	}

}
