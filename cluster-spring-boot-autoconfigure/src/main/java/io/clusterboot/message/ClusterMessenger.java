package io.clusterboot.message;

/**
 * Sends messages between the master and its workers, in the master and in every worker.
 * A payload is any object Jackson can write as JSON; receivers get it as a
 * {@link io.clusterboot.event.WorkerMessageEvent WorkerMessageEvent} (master) or a
 * {@link io.clusterboot.event.ClusterMessageEvent ClusterMessageEvent} (workers).
 * <p>
 * Sending never blocks and never waits for the receiver: a {@code false} result means
 * the message could not be handed to the channel (no such worker, channel closed, the
 * receiver has stopped reading, a message larger than {@code cluster.ipc.max-frame-size},
 * or this worker already has {@code cluster.ipc.max-pending-messages} messages on their
 * way to the master's listeners). Nothing is ever queued without bound: a sender that
 * must not lose a message tries again later.
 *
 * @since 0.1.0
 */
public interface ClusterMessenger {

	/**
	 * Send a message to the master.
	 * @param payload the message
	 * @return {@code true} if it was handed to the channel
	 * @throws IllegalStateException when called in the master itself
	 */
	boolean sendToMaster(Object payload);

	/**
	 * Send a message to one worker. From a worker, the master relays it.
	 * @param workerId the receiving worker's id
	 * @param payload the message
	 * @return {@code true} if it was handed to the channel; from a worker this does not
	 * tell whether the receiving worker exists
	 */
	boolean sendToWorker(int workerId, Object payload);

	/**
	 * Send a message to every worker, the sender included when it is a worker (so that,
	 * for example, one listener evicts a cache entry everywhere). From a worker, the
	 * master relays it.
	 * @param payload the message
	 * @return {@code true} if it was handed to at least one channel
	 */
	boolean sendToAllWorkers(Object payload);

}
