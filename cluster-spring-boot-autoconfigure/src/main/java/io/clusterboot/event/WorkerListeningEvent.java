package io.clusterboot.event;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.WorkerInfo;

/**
 * A worker's application is ready and its web server, if it has one, is bound (Node's
 * {@code listening}).
 *
 * @since 0.1.0
 */
public class WorkerListeningEvent extends ClusterWorkerEvent {

	WorkerListeningEvent(Object source, WorkerInfo worker) {
		super(source, worker);
	}

	/**
	 * The host the worker's web server is bound to.
	 * @return the host, or {@code null} for a worker without a web server
	 */
	public @Nullable String getHost() {
		return getWorker().host();
	}

	/**
	 * The port the worker's web server is bound to.
	 * @return the port, or {@code -1} for a worker without a web server
	 */
	public int getPort() {
		return getWorker().port();
	}

}
