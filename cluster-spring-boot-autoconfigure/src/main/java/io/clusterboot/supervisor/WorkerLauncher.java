package io.clusterboot.supervisor;

import java.io.IOException;
import java.util.Map;

/**
 * Starts worker processes for the {@link ClusterSupervisor}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WorkerLauncher {

	/**
	 * Start a worker.
	 * @param workerId the worker's slot id
	 * @param workerCount how many workers the cluster runs
	 * @param environment variables to add to the worker's environment
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 */
	Process launch(int workerId, int workerCount, Map<String, String> environment) throws IOException;

}
