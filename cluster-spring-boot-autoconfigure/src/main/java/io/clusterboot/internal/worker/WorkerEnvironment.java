package io.clusterboot.internal.worker;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.clusterboot.server.PortSharing;

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
 * @param portSharing how the workers share the port ({@code CLUSTER_PORT_SHARING})
 * @param proxyProtocol whether, in {@link PortSharing#PROXY proxy} mode, the master sends a
 * PROXY protocol header before each connection's bytes ({@code CLUSTER_PROXY_PROTOCOL});
 * always {@code false} otherwise
 * @since 0.1.0
 */
public record WorkerEnvironment(int workerId, long masterPid, @Nullable Path socket, @Nullable String secret,
		@Nullable Integer port, @Nullable Integer managementPort, PortSharing portSharing, boolean proxyProtocol) {

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
	 * How the workers share the port: {@code reuseport} (also when absent) or
	 * {@code proxy}.
	 */
	public static final String PORT_SHARING = "CLUSTER_PORT_SHARING";

	/**
	 * In proxy mode, {@code true} (also when absent) if the master sends a PROXY protocol
	 * v2 header before each connection's bytes, {@code false} if it sends none.
	 */
	public static final String PROXY_PROTOCOL = "CLUSTER_PROXY_PROTOCOL";

	/**
	 * A worker environment that shares the port with {@code SO_REUSEPORT}.
	 * @param workerId the worker's slot id
	 * @param masterPid the master's pid, or {@code -1}
	 * @param socket the master's IPC socket, or {@code null}
	 * @param secret the per-launch secret, or {@code null}
	 * @param port the port every worker binds, or {@code null}
	 * @param managementPort the separate management port every worker binds, or
	 * {@code null}
	 */
	public WorkerEnvironment(int workerId, long masterPid, @Nullable Path socket, @Nullable String secret,
			@Nullable Integer port, @Nullable Integer managementPort) {
		this(workerId, masterPid, socket, secret, port, managementPort, PortSharing.REUSEPORT, false);
	}

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
		PortSharing portSharing = portSharing(environment.get(PORT_SHARING));
		boolean proxyProtocol = portSharing == PortSharing.PROXY
				&& parseBoolean(PROXY_PROTOCOL, environment.get(PROXY_PROTOCOL), true);
		return new WorkerEnvironment(parse(WORKER_ID, id), (masterPid != null) ? parse(MASTER_PID, masterPid) : -1,
				(socket != null) ? Path.of(socket) : null, environment.get(MASTER_SECRET),
				(port != null) ? (int) parse(MASTER_PORT, port) : null,
				(managementPort != null) ? (int) parse(MASTER_MANAGEMENT_PORT, managementPort) : null, portSharing,
				proxyProtocol);
	}

	private static boolean parseBoolean(String name, @Nullable String value, boolean absent) {
		if (value == null || value.isBlank()) {
			return absent;
		}
		return switch (value.trim().toLowerCase(Locale.ROOT)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new IllegalStateException(name + "='" + value + "' is neither true nor false");
		};
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

	private static PortSharing portSharing(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return PortSharing.REUSEPORT;
		}
		for (PortSharing candidate : List.of(PortSharing.REUSEPORT, PortSharing.PROXY)) {
			if (candidate.value().equalsIgnoreCase(value.trim())) {
				return candidate;
			}
		}
		throw new IllegalStateException(PORT_SHARING + "='" + value + "' is not one of reuseport, proxy");
	}

}
