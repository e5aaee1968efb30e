package io.clusterboot.event;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.supervisor.SupervisorListener;

/**
 * Publishes the cluster's events as Spring application events, in order, on one thread of
 * its own: a slow {@code @EventListener} delays later events but never the supervisor or
 * the channel they came from. What waits for that thread is bounded: the master lets each
 * worker have only so many messages on their way, and lifecycle events are few.
 *
 * @since 0.1.0
 */
public final class ClusterEventPublisher implements SupervisorListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterEventPublisher.class);

	private static final int MAX_WAITING_EVENTS = 100_000;

	private final ApplicationEventPublisher publisher;

	private final Object source;

	private final ObjectMapper mapper;

	private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
			new ArrayBlockingQueue<>(MAX_WAITING_EVENTS), (runnable) -> {
				Thread thread = new Thread(runnable, "cluster-events");
				thread.setDaemon(true);
				return thread;
			});

	/**
	 * Create a publisher.
	 * @param publisher where events go
	 * @param source the source of every event (the supervisor, or the worker's link to it)
	 * @param mapper converts message payloads to Java types
	 */
	public ClusterEventPublisher(ApplicationEventPublisher publisher, Object source, ObjectMapper mapper) {
		this.publisher = publisher;
		this.source = source;
		this.mapper = mapper;
	}

	@Override
	public void forked(WorkerInfo worker) {
		publish(new WorkerForkedEvent(this.source, worker), null);
	}

	@Override
	public void online(WorkerInfo worker) {
		publish(new WorkerOnlineEvent(this.source, worker), null);
	}

	@Override
	public void listening(WorkerInfo worker) {
		publish(new WorkerListeningEvent(this.source, worker), null);
	}

	@Override
	public void disconnected(WorkerInfo worker) {
		publish(new WorkerDisconnectedEvent(this.source, worker), null);
	}

	@Override
	public void exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {
		publish(new WorkerExitedEvent(this.source, worker, exit, restartDelay), null);
	}

	@Override
	public void message(WorkerInfo worker, JsonNode payload, Runnable delivered) {
		publish(new WorkerMessageEvent(this.source, worker, new ClusterMessage(worker.id(), payload, this.mapper)),
				delivered);
	}

	/**
	 * Publish, in a worker, a message it received.
	 * @param senderId the sending worker's id, or {@link ClusterMessage#MASTER}
	 * @param payload the message
	 */
	public void received(int senderId, JsonNode payload) {
		publish(new ClusterMessageEvent(this.source, new ClusterMessage(senderId, payload, this.mapper)), null);
	}

	private void publish(ApplicationEvent event, @Nullable Runnable delivered) {
		try {
			this.executor.execute(() -> {
				try {
					this.publisher.publishEvent(event);
				}
				catch (RuntimeException ex) {
					logger.error("A listener failed to handle " + event, ex);
				}
				finally {
					if (delivered != null) {
						delivered.run();
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			if (this.executor.isShutdown()) {
				logger.debug("Dropped " + event + " after shutdown");
			}
			else {
				logger.warn("Dropped " + event + ": " + MAX_WAITING_EVENTS + " events wait for the listeners");
			}
			if (delivered != null) {
				delivered.run();
			}
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
