package io.clusterboot.message;

import tools.jackson.databind.ObjectMapper;

import io.clusterboot.supervisor.ClusterSupervisor;

/**
 * The master's {@link ClusterMessenger}.
 *
 * @since 0.1.0
 */
public final class MasterMessenger implements ClusterMessenger {

	private final ClusterSupervisor supervisor;

	private final ObjectMapper mapper;

	/**
	 * Create a messenger.
	 * @param supervisor knows the workers' connections
	 * @param mapper writes payloads as JSON
	 */
	public MasterMessenger(ClusterSupervisor supervisor, ObjectMapper mapper) {
		this.supervisor = supervisor;
		this.mapper = mapper;
	}

	@Override
	public boolean sendToMaster(Object payload) {
		throw new IllegalStateException("This is the master; publish an application event instead");
	}

	@Override
	public boolean sendToWorker(int workerId, Object payload) {
		return this.supervisor.send(workerId, this.mapper.valueToTree(payload));
	}

	@Override
	public boolean sendToAllWorkers(Object payload) {
		return this.supervisor.sendToAll(this.mapper.valueToTree(payload)) > 0;
	}

}
