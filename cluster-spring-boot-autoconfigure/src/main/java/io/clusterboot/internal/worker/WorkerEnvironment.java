package io.clusterboot.internal.worker;

import java.nio.file.Path;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The environment variables through which a master hands a worker its identity and the
 * way back to the master.
 *
 * @param workerId the worker's slot id ({@code CLUSTER_WORKER_ID})
 * @param masterPid the master's pid ({@code CLUSTER_MASTER_PID}), or {@code -1}
 * @param socket the master's IPC socket ({@code CLUSTER_MASTER_SOCKET}), or {@code null}
 * for a worker started by hand
 * @param secret the per-launch secret ({@code CLUSTER_MASTER_SECRET}), or {@code null}
 * @param port the port every worker binds ({@code CLUSTER_MASTER_PORT}), or {@code null}
 * @param managementPort the separate management port every worker binds
 * ({@code CLUSTER_MASTER_MANAGEMENT_PORT}), or {@code null}
 * @since 0.1.0
 */
public record WorkerEnvironment(int workerId, long masterPid, @Nullable Path socket, @Nullable String secret,
		@Nullable Integer port, @Nullable Integer managementPort) {

	/**
	 * The worker's id, also visible to the application as {@code cluster.worker.id}.
	 */
	public static final String WORKER_ID = "CLUSTER_WORKER_ID";

	/**
	 * The master's process id.
	 */
	public static final String MASTER_PID = "CLUSTER_MASTER_PID";

	/**
	 * Path of the master's IPC socket.
	 */
	public static final String MASTER_SOCKET = "CLUSTER_MASTER_SOCKET";

	/**
	 * The secret the worker authenticates with.
	 */
	public static final String MASTER_SECRET = "CLUSTER_MASTER_SECRET";

	/**
	 * The port all workers bind, chosen by the master.
	 */
	public static final String MASTER_PORT = "CLUSTER_MASTER_PORT";

	/**
	 * The separate management port all workers bind, chosen by the master.
	 */
	public static final String MASTER_MANAGEMENT_PORT = "CLUSTER_MASTER_MANAGEMENT_PORT";

	/**
	 * Read the variables.
	 * @param environment the process environment
	 * @return the worker environment, or {@code null} if this process is not a worker
	 * @throws IllegalStateException if a variable is malformed
	 */
	public static @Nullable WorkerEnvironment from(Map<String, String> environment) {
		String id = environment.get(WORKER_ID);
		if (id == null || id.isBlank()) {
			return null;
		}
		String socket = environment.get(MASTER_SOCKET);
		String port = environment.get(MASTER_PORT);
		String managementPort = environment.get(MASTER_MANAGEMENT_PORT);
		String masterPid = environment.get(MASTER_PID);
		return new WorkerEnvironment(parse(WORKER_ID, id), (masterPid != null) ? parse(MASTER_PID, masterPid) : -1,
				(socket != null) ? Path.of(socket) : null, environment.get(MASTER_SECRET),
				(port != null) ? (int) parse(MASTER_PORT, port) : null,
				(managementPort != null) ? (int) parse(MASTER_MANAGEMENT_PORT, managementPort) : null);
	}

	private static int parse(String name, String value) {
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException(name + "='" + value + "' is not a number", ex);
		}
	}

	/**
	 * Whether a master started this worker and waits for it on a socket.
	 * @return {@code false} for a worker id set by hand
	 */
	public boolean hasMaster() {
		return this.socket != null && this.secret != null;
	}

}
