package io.clusterboot.supervisor;

/**
 * Thrown when an operation conflicts with one already running, such as a second rolling
 * restart, or with the cluster stopping.
 *
 * @since 0.1.0
 */
public class ClusterBusyException extends IllegalStateException {

	ClusterBusyException(String message) {
		super(message);
	}

}
