package io.clusterboot.internal.launch;

import java.io.IOException;
import java.util.Map;

/**
 * Starts worker processes. The supervisor's only way to create a process: a test gives
 * it fake processes instead.
 */
@FunctionalInterface
public interface WorkerProcesses {

	/**
	 * Start a worker.
	 * @param workerId the worker's slot id
	 * @param workerCount how many workers the cluster runs
	 * @param environment variables to add to the worker's environment
	 * @return the started process
	 * @throws IOException if the process cannot be started
	 */
	WorkerProcess start(int workerId, int workerCount, Map<String, String> environment) throws IOException;

}
