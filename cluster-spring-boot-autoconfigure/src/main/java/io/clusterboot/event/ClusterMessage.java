package io.clusterboot.event;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import io.clusterboot.internal.ipc.Frames;

/**
 * A user message exchanged between master and workers: a JSON value and who sent it.
 *
 * @since 0.1.0
 */
public final class ClusterMessage {

	/**
	 * Sender id of a message from the master.
	 */
	public static final int MASTER = Frames.MASTER;

	private final int senderId;

	private final JsonNode payload;

	private final ObjectMapper mapper;

	/**
	 * Create a message.
	 * @param senderId the sending worker's id, or {@link #MASTER}
	 * @param payload the payload as JSON
	 * @param mapper converts the payload to Java types
	 */
	public ClusterMessage(int senderId, JsonNode payload, ObjectMapper mapper) {
		this.senderId = senderId;
		this.payload = payload;
		this.mapper = mapper;
	}

	/**
	 * Who sent the message.
	 * @return the sending worker's id, or {@link #MASTER}
	 */
	public int getSenderId() {
		return this.senderId;
	}

	/**
	 * Whether the master sent the message.
	 * @return {@code true} for a message from the master
	 */
	public boolean isFromMaster() {
		return this.senderId == MASTER;
	}

	/**
	 * The payload as JSON.
	 * @return the payload
	 */
	public JsonNode getPayload() {
		return this.payload;
	}

	/**
	 * The payload converted to a Java type.
	 * @param <T> the type
	 * @param type the class to convert to
	 * @return the converted payload
	 * @throws IllegalArgumentException if the payload does not convert
	 */
	public <T> T getPayload(Class<T> type) {
		return this.mapper.treeToValue(this.payload, type);
	}

	@Override
	public String toString() {
		return "ClusterMessage[from " + (isFromMaster() ? "master" : "worker " + this.senderId) + ": " + this.payload
				+ "]";
	}

}
