package io.clusterboot.it.app;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.event.EventListener;

import io.clusterboot.event.ClusterWorkerEvent;
import io.clusterboot.event.WorkerExitedEvent;
import io.clusterboot.event.WorkerListeningEvent;
import io.clusterboot.event.WorkerMessageEvent;
import io.clusterboot.master.ClusterMaster;
import io.clusterboot.message.ClusterMessenger;
import io.clusterboot.supervisor.ClusterSupervisor;

/**
 * Runs in the master: prints every cluster event as one line the tests parse, and
 * answers messages from workers, except the messages of a {@link MessageFloodController
 * flood}.
 */
@ClusterMaster
class EventRecorder {

	private final ClusterMessenger messenger;

	private final ObjectProvider<ClusterSupervisor> supervisor;

	EventRecorder(ClusterMessenger messenger, ObjectProvider<ClusterSupervisor> supervisor) {
		this.messenger = messenger;
		this.supervisor = supervisor;
	}

	@EventListener
	void onEvent(ClusterWorkerEvent event) {
		if (event instanceof WorkerMessageEvent message && message.getPayload(Map.class).containsKey("flood")) {
			// Counted by FloodReceiver: thousands of lines and echoes would only slow the flood
			return;
		}
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
			String text = (String) payload.get("text");
			line.append(" text=").append(text);
			this.messenger.sendToWorker(event.getWorkerId(), Map.of("text", "echo-" + text));
			control(text);
		}
		System.out.println(line);
	}

	/**
	 * Let the tests drive the supervisor from a worker: {@code scale:N},
	 * {@code restart:N}, {@code fork}, {@code stop}, {@code workers}.
	 */
	private void control(String text) {
		ClusterSupervisor supervisor = this.supervisor.getIfAvailable();
		if (supervisor == null) {
			return;
		}
		if (text.startsWith("scale:")) {
			supervisor.scale(Integer.parseInt(text.substring(6)));
		}
		else if (text.startsWith("restart:")) {
			supervisor.restart(Integer.parseInt(text.substring(8)));
		}
		else if (text.equals("fork")) {
			supervisor.fork().thenAccept((id) -> System.out.println("CLUSTER-CONTROL forked " + id));
		}
		else if (text.equals("stop")) {
			supervisor.stop();
		}
		else if (text.equals("workers")) {
			System.out.println("CLUSTER-CONTROL workers " + supervisor.workers().stream()
				.map((worker) -> worker.id() + ":" + worker.pid() + ":" + worker.state())
				.toList());
		}
	}

}
