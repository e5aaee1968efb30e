package io.clusterboot.bench;

import org.springframework.context.event.EventListener;

import io.clusterboot.event.WorkerMessageEvent;
import io.clusterboot.master.ClusterMaster;
import io.clusterboot.message.ClusterMessenger;

/**
 * Runs in the master: sends every ping back to its sender and counts flood messages,
 * acknowledging the end of a flood with the count.
 */
@ClusterMaster
class MessageEcho {

	private final ClusterMessenger messenger;

	// Only the master's single event thread touches the count
	private long flooded;

	MessageEcho(ClusterMessenger messenger) {
		this.messenger = messenger;
	}

	@EventListener
	void onMessage(WorkerMessageEvent event) {
		Probe probe = event.getPayload(Probe.class);
		switch (probe.kind()) {
			case "ping" -> this.messenger.sendToWorker(event.getWorkerId(), new Probe("echo", probe.seq(), probe.data()));
			case "flood-start" -> this.flooded = 0;
			case "flood" -> this.flooded++;
			case "flood-end" -> this.messenger.sendToWorker(event.getWorkerId(), new Probe("flood-ack", this.flooded, ""));
			default -> {
				// Not part of the benchmark
			}
		}
	}

}
