package io.clusterboot.it.app;

import java.util.Map;

import org.springframework.context.event.EventListener;

import io.clusterboot.event.ClusterWorkerEvent;
import io.clusterboot.event.WorkerExitedEvent;
import io.clusterboot.event.WorkerListeningEvent;
import io.clusterboot.event.WorkerMessageEvent;
import io.clusterboot.master.ClusterMaster;
import io.clusterboot.message.ClusterMessenger;

/**
 * Runs in the master: prints every cluster event as one line the tests parse, and
 * answers messages from workers.
 */
@ClusterMaster
class EventRecorder {

	private final ClusterMessenger messenger;

	EventRecorder(ClusterMessenger messenger) {
		this.messenger = messenger;
	}

	@EventListener
	void onEvent(ClusterWorkerEvent event) {
		StringBuilder line = new StringBuilder("CLUSTER-EVENT type=")
			.append(event.getClass().getSimpleName().replace("Worker", "").replace("Event", "").toLowerCase())
			.append(" worker=")
			.append(event.getWorkerId())
			.append(" pid=")
			.append(event.getPid())
			.append(" master=")
			.append(ProcessHandle.current().pid());
		if (event instanceof WorkerListeningEvent listening) {
			line.append(" port=").append(listening.getPort());
		}
		if (event instanceof WorkerExitedEvent exited) {
			line.append(" code=")
				.append(exited.getExitCode())
				.append(" signal=")
				.append(exited.getSignal())
				.append(" cause=")
				.append(exited.getCause())
				.append(" planned=")
				.append(exited.isPlanned());
		}
		if (event instanceof WorkerMessageEvent message) {
			Map<?, ?> payload = message.getPayload(Map.class);
			line.append(" text=").append(payload.get("text"));
			this.messenger.sendToWorker(event.getWorkerId(), Map.of("text", "echo-" + payload.get("text")));
		}
		System.out.println(line);
	}

}
