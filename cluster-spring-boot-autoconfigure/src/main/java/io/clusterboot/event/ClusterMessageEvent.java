package io.clusterboot.event;

import org.springframework.context.ApplicationEvent;

/**
 * A worker received a message, from the master or from another worker through the
 * master. Published in the worker's application context.
 *
 * @since 0.1.0
 */
public class ClusterMessageEvent extends ApplicationEvent {

	private final ClusterMessage message;

	ClusterMessageEvent(Object source, ClusterMessage message) {
		super(source);
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
