package io.clusterboot.event;

import org.springframework.context.ApplicationEvent;

import io.clusterboot.state.WorkerInfo;

/**
 * Base class of the events the master publishes about its workers. Events of one worker
 * arrive in the order of its life: forked, online, listening, disconnected, exited (a
 * worker that never got so far skips the later ones but never the order).
 *
 * @since 0.1.0
 */
public abstract class ClusterWorkerEvent extends ApplicationEvent {

	private final WorkerInfo worker;

	ClusterWorkerEvent(Object source, WorkerInfo worker) {
		super(source);
		this.worker = worker;
	}

	/**
	 * The worker, as it was when the event happened.
	 * @return the worker
	 */
	public WorkerInfo getWorker() {
		return this.worker;
	}

	/**
	 * The worker's slot id, from 1.
	 * @return the worker id
	 */
	public int getWorkerId() {
		return this.worker.id();
	}

	/**
	 * The worker's process id.
	 * @return the pid
	 */
	public long getPid() {
		return this.worker.pid();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.worker + "]";
	}

}
