package io.clusterboot.message;

import tools.jackson.databind.JsonNode;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.worker.WorkerRuntime;

/**
 * A worker's {@link ClusterMessenger}: everything goes to the master, which delivers or
 * relays it.
 *
 * @since 0.1.0
 */
public final class WorkerMessenger implements ClusterMessenger {

	private final WorkerRuntime runtime;

	/**
	 * Create a messenger.
	 * @param runtime the worker's connection to its master
	 */
	public WorkerMessenger(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public boolean sendToMaster(Object payload) {
		return send(Frames.MASTER, payload);
	}

	@Override
	public boolean sendToWorker(int workerId, Object payload) {
		if (workerId < 1) {
			throw new IllegalArgumentException("Worker ids start at 1, not " + workerId);
		}
		return send(workerId, payload);
	}

	@Override
	public boolean sendToAllWorkers(Object payload) {
		return send(Frames.ALL_WORKERS, payload);
	}

	private boolean send(int target, Object payload) {
		JsonNode json = this.runtime.getMapper().valueToTree(payload);
		return this.runtime.sendMessage(target, json);
	}

}
