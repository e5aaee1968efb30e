package io.clusterboot.supervisor;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ConnectionStats;

/**
 * Hands the cluster's connections to its workers when the master accepts them itself
 * (proxy mode, {@code cluster.port-sharing=proxy}), instead of each worker listening on the
 * shared port. The supervisor tells it, on its own thread, when a worker can take
 * connections and when it must get no more: the latter always before the worker is asked
 * to stop, so that a worker drains only the connections it already has.
 *
 * @since 0.1.0
 */
public interface ConnectionRouter {

	/**
	 * Start handing new connections to a worker that is ready.
	 * @param pid the worker's process id
	 * @param port the port its web server listens on
	 * @param managementPort the port of its separate management server, or {@code -1}
	 */
	void route(long pid, int port, int managementPort);

	/**
	 * Hand a worker no more new connections; those it has carry on. A pid not routed is
	 * ignored.
	 * @param pid the worker's process id
	 */
	void stopRouting(long pid);

	/**
	 * The connections handed to a worker so far.
	 * @param pid the worker's process id
	 * @return the figures, or {@code null} for a worker that never had any routed
	 */
	@Nullable ConnectionStats stats(long pid);

}
