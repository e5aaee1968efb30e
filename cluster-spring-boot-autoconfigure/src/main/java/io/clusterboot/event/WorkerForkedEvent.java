package io.clusterboot.event;

import io.clusterboot.state.WorkerInfo;

/**
 * A worker process has been started.
 *
 * @since 0.1.0
 */
public class WorkerForkedEvent extends ClusterWorkerEvent {

	WorkerForkedEvent(Object source, WorkerInfo worker) {
		super(source, worker);
	}

}
