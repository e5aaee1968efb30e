package io.clusterboot.state;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An immutable view of one worker process at one moment.
 *
 * @param id the worker's slot id, from 1; a replacement keeps the id of the worker it
 * replaces; 0 for a {@link WorkerState#SPARE spare} not yet promoted into a slot
 * @param pid the process id
 * @param state the worker's state
 * @param forkedAt when the process was started
 * @param listeningAt when it became ready, or {@code null}
 * @param host the host its web server is bound to, or {@code null}
 * @param port the port its web server is bound to, or {@code -1}
 * @param restarts how many times this slot's worker has been restarted after an
 * unplanned exit
 * @param lastExit how this slot's previous worker exited, or {@code null}
 * @param stats the sample from the latest heartbeat
 * @param lastHeartbeatAt when the latest heartbeat arrived, or {@code null}
 * @param exit how this worker exited, or {@code null} while it runs
 * @param connections the connections the master's proxy handed it, or {@code null} unless
 * the cluster runs in proxy mode
 * @since 0.1.0
 */
public record WorkerInfo(int id, long pid, WorkerState state, Instant forkedAt, @Nullable Instant listeningAt,
		@Nullable String host, int port, int restarts, @Nullable WorkerExit lastExit, WorkerStats stats,
		@Nullable Instant lastHeartbeatAt, @Nullable WorkerExit exit, @Nullable ConnectionStats connections) {

	/**
	 * How long ago the master last heard from this worker.
	 * @param now the current time
	 * @return the age, or {@code null} before the first heartbeat
	 */
	public @Nullable Duration heartbeatAge(Instant now) {
		return (this.lastHeartbeatAt != null) ? Duration.between(this.lastHeartbeatAt, now) : null;
	}

	@Override
	public String toString() {
		return label(this.id, this.pid);
	}

	/**
	 * How logs and messages name a worker process, e.g. {@code worker 2 (pid 4242)}, or
	 * {@code spare (pid 4243)} for a spare not yet promoted.
	 * @param id the worker's slot id, or 0 for a spare
	 * @param pid its process id
	 * @return the label
	 */
	public static String label(int id, long pid) {
		return ((id != 0) ? "worker " + id : "spare") + " (pid " + pid + ")";
	}

}
