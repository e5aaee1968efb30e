package io.clusterboot.it.servers;

import org.springframework.context.event.EventListener;

import io.clusterboot.event.ClusterWorkerEvent;
import io.clusterboot.event.WorkerExitedEvent;
import io.clusterboot.master.ClusterMaster;

/**
 * Runs in the master: prints every cluster event as one line the tests parse.
 */
@ClusterMaster
class EventPrinter {

	@EventListener
	void onEvent(ClusterWorkerEvent event) {
		StringBuilder line = new StringBuilder("CLUSTER-EVENT type=")
			.append(event.getClass().getSimpleName().replace("Worker", "").replace("Event", "").toLowerCase())
			.append(" worker=")
			.append(event.getWorkerId())
			.append(" pid=")
			.append(event.getPid());
		if (event instanceof WorkerExitedEvent exited) {
			line.append(" cause=").append(exited.getCause()).append(" planned=").append(exited.isPlanned());
		}
		System.out.println(line);
	}

}
