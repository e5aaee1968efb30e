package io.clusterboot.supervisor;

/**
 * Thrown when an operation names a worker id the cluster does not have.
 *
 * @since 0.1.0
 */
public class NoSuchWorkerException extends IllegalArgumentException {

	private final int workerId;

	NoSuchWorkerException(int workerId, int workerCount) {
		super("There is no worker " + workerId + "; worker ids are 1.." + workerCount);
		this.workerId = workerId;
	}

	/**
	 * The id that was asked for.
	 * @return the worker id
	 */
	public int getWorkerId() {
		return this.workerId;
	}

}
