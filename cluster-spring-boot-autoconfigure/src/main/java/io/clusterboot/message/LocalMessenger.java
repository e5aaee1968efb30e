package io.clusterboot.message;

import java.time.Instant;

import org.springframework.context.ApplicationEventPublisher;

import tools.jackson.databind.ObjectMapper;

import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.event.ClusterMessage;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

/**
 * The {@link ClusterMessenger} of an ordinary single process, which is its own master and
 * its only worker: messages to the master or to all workers are delivered to this
 * process as the same events a cluster would publish, so code written for a cluster
 * (evicting a cache entry everywhere, say) works unchanged. There is no worker to send
 * to by id.
 *
 * @since 0.1.0
 */
public final class LocalMessenger implements ClusterMessenger, AutoCloseable {

	private static final Runnable NOTHING = () -> {
	};

	private final ClusterEventPublisher events;

	private final ObjectMapper mapper;

	private final WorkerInfo self = new WorkerInfo(0, ProcessHandle.current().pid(), WorkerState.LISTENING,
			ProcessHandle.current().info().startInstant().orElse(Instant.now()), null, null, -1, 0, null,
			WorkerStats.NONE, null, null, null);

	/**
	 * Create a messenger.
	 * @param publisher the application's event publisher
	 * @param mapper converts payloads to and from JSON
	 */
	public LocalMessenger(ApplicationEventPublisher publisher, ObjectMapper mapper) {
		this.events = new ClusterEventPublisher(publisher, this, mapper);
		this.mapper = mapper;
	}

	@Override
	public boolean sendToMaster(Object payload) {
		this.events.message(this.self, this.mapper.valueToTree(payload), NOTHING);
		return true;
	}

	@Override
	public boolean sendToWorker(int workerId, Object payload) {
		return false;
	}

	@Override
	public boolean sendToAllWorkers(Object payload) {
		this.events.received(ClusterMessage.MASTER, this.mapper.valueToTree(payload));
		return true;
	}

	@Override
	public void close() {
		this.events.close();
	}

}
