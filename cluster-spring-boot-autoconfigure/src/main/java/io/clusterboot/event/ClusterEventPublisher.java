package io.clusterboot.event;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;

/**
 * Publishes the cluster's events, in order, on one thread of its own: a slow
 * {@code @EventListener} delays later events but never the supervisor or the channel
 * they came from.
 *
 * @since 0.1.0
 */
public final class ClusterEventPublisher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterEventPublisher.class);

	private final ApplicationEventPublisher publisher;

	private final Object source;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-events");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Create a publisher.
	 * @param publisher where events go
	 * @param source the source of every event (the supervisor)
	 */
	public ClusterEventPublisher(ApplicationEventPublisher publisher, Object source) {
		this.publisher = publisher;
		this.source = source;
	}

	/**
	 * Publish that a worker was forked.
	 * @param worker the worker
	 */
	public void forked(WorkerInfo worker) {
		publish(new WorkerForkedEvent(this.source, worker));
	}

	/**
	 * Publish that a worker connected.
	 * @param worker the worker
	 */
	public void online(WorkerInfo worker) {
		publish(new WorkerOnlineEvent(this.source, worker));
	}

	/**
	 * Publish that a worker is ready.
	 * @param worker the worker
	 */
	public void listening(WorkerInfo worker) {
		publish(new WorkerListeningEvent(this.source, worker));
	}

	/**
	 * Publish that a worker disconnected.
	 * @param worker the worker
	 */
	public void disconnected(WorkerInfo worker) {
		publish(new WorkerDisconnectedEvent(this.source, worker));
	}

	/**
	 * Publish that a worker exited.
	 * @param worker the worker
	 * @param exit how it exited
	 * @param restartDelay when its replacement starts, or {@code null} if none will
	 */
	public void exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {
		publish(new WorkerExitedEvent(this.source, worker, exit, restartDelay));
	}

	/**
	 * Publish a message from a worker.
	 * @param worker the sending worker
	 * @param message the message
	 */
	public void message(WorkerInfo worker, ClusterMessage message) {
		publish(new WorkerMessageEvent(this.source, worker, message));
	}

	/**
	 * Publish, in a worker, a message it received.
	 * @param message the message
	 */
	public void received(ClusterMessage message) {
		publish(new ClusterMessageEvent(this.source, message));
	}

	private void publish(ApplicationEvent event) {
		try {
			this.executor.execute(() -> {
				try {
					this.publisher.publishEvent(event);
				}
				catch (RuntimeException ex) {
					logger.error("A listener failed to handle " + event, ex);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.debug("Dropped " + event + " after shutdown");
		}
	}

	/**
	 * Deliver the events already published, then stop.
	 */
	@Override
	public void close() {
		this.executor.shutdown();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
