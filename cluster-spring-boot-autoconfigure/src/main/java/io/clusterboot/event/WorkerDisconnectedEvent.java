package io.clusterboot.event;

import io.clusterboot.state.WorkerInfo;

/**
 * A worker's channel to the master has closed, or the master has begun to drain it (Node's {@code disconnect}). Always published before the worker's {@link WorkerExitedEvent}.
 *
 * @since 0.1.0
 */
public class WorkerDisconnectedEvent extends ClusterWorkerEvent {

	WorkerDisconnectedEvent(Object source, WorkerInfo worker) {
		super(source, worker);
	}

}
