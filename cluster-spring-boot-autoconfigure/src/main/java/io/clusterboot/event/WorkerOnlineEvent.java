package io.clusterboot.event;

import io.clusterboot.state.WorkerInfo;

/**
 * A worker has connected to the master (Node's {@code online}).
 *
 * @since 0.1.0
 */
public class WorkerOnlineEvent extends ClusterWorkerEvent {

	WorkerOnlineEvent(Object source, WorkerInfo worker) {
		super(source, worker);
	}

}
