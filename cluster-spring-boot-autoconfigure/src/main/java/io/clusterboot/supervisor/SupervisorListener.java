package io.clusterboot.supervisor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;

/**
 * Hears what happens to the workers of a {@link ClusterSupervisor}. Called on the
 * supervisor's thread (messages: on the channel's thread), so an implementation must hand
 * the work over and return at once; the master's publishes them as Spring events.
 *
 * @since 0.1.0
 */
public interface SupervisorListener {

	/**
	 * A worker process was started.
	 * @param worker the worker
	 */
	void forked(WorkerInfo worker);

	/**
	 * A worker connected to the master.
	 * @param worker the worker
	 */
	void online(WorkerInfo worker);

	/**
	 * A worker is ready.
	 * @param worker the worker
	 */
	void listening(WorkerInfo worker);

	/**
	 * A worker is on its way out.
	 * @param worker the worker
	 */
	void disconnected(WorkerInfo worker);

	/**
	 * A worker exited.
	 * @param worker the worker
	 * @param exit how it exited
	 * @param restartDelay when its slot's next worker starts, or {@code null} if none will
	 */
	void exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay);

	/**
	 * A worker sent the master a message.
	 * @param worker the sender
	 * @param payload the message
	 * @param delivered to run once the message has been handled, which lets the worker
	 * send another
	 */
	void message(WorkerInfo worker, JsonNode payload, Runnable delivered);

}
