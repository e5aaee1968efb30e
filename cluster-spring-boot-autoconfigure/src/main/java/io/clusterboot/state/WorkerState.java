package io.clusterboot.state;

/**
 * Life of a worker process, in the order it is lived. A worker may skip states (one that
 * fails to boot goes from {@link #FORKED} or {@link #ONLINE} to {@link #EXITED}) but
 * never goes back.
 *
 * @since 0.1.0
 */
public enum WorkerState {

	/**
	 * The process has been started.
	 */
	FORKED,

	/**
	 * The worker has connected to the master.
	 */
	ONLINE,

	/**
	 * A hot spare ({@code cluster.worker.spares}): its application context is refreshed
	 * and nothing in it has started (no web server, no schedulers, no message listeners);
	 * it waits for the master to promote it into a slot. A spare is not counted as
	 * capacity and has id 0 until it is promoted.
	 */
	SPARE,

	/**
	 * The worker's application is ready and its web server, if any, is bound.
	 */
	LISTENING,

	/**
	 * The worker is on its way out: asked to stop and draining, or its channel to the
	 * master has closed.
	 */
	DISCONNECTING,

	/**
	 * The process has exited.
	 */
	EXITED

}
