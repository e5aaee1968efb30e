package io.clusterboot.event;

import io.clusterboot.state.WorkerInfo;

/**
 * A worker sent the master a message (Node's {@code message}). Published in the master.
 *
 * @since 0.1.0
 */
public class WorkerMessageEvent extends ClusterWorkerEvent {

	private final ClusterMessage message;

	WorkerMessageEvent(Object source, WorkerInfo worker, ClusterMessage message) {
		super(source, worker);
		this.message = message;
	}

	/**
	 * The message.
	 * @return the message
	 */
	public ClusterMessage getMessage() {
		return this.message;
	}

	/**
	 * The payload converted to a Java type.
	 * @param <T> the type
	 * @param type the class to convert to
	 * @return the converted payload
	 */
	public <T> T getPayload(Class<T> type) {
		return this.message.getPayload(type);
	}

}
