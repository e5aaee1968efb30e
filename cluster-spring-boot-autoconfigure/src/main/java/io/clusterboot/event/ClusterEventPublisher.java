package io.clusterboot.event;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
 * Publishes the cluster's events as Spring application events, off the threads they come
 * from: a slow {@code @EventListener} delays later events but never the supervisor or the
 * channel. Lifecycle events go out in order on one thread, messages in order on another,
 * so that a backlog of messages for a slow listener never holds back news of a worker's
 * exit. What waits is bounded: the master lets each worker have only so many messages on
 * their way, and lifecycle events are few.
 *
 * @since 0.1.0
 */
public final class ClusterEventPublisher implements SupervisorListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClusterEventPublisher.class);

	private static final int MAX_WAITING_EVENTS = 100_000;

	private final ApplicationEventPublisher publisher;

	private final Object source;

	private final Supplier<? extends ObjectMapper> mapper;

	private final ThreadPoolExecutor lifecycle = executor("cluster-events");

	private final ThreadPoolExecutor messages = executor("cluster-messages");

	/**
	 * Create a publisher.
	 * @param publisher where events go
	 * @param source the source of every event (the master's application, or the worker's
	 * link to its master)
	 * @param mapper converts message payloads to Java types
	 */
	public ClusterEventPublisher(ApplicationEventPublisher publisher, Object source, ObjectMapper mapper) {
		this(publisher, source, () -> mapper);
	}

	/**
	 * Create a publisher whose mapper may not exist yet: it is asked for it when the first
	 * message arrives.
	 * @param publisher where events go
	 * @param source the source of every event (the master's application, or the worker's
	 * link to its master)
	 * @param mapper supplies the mapper that converts message payloads to Java types
	 */
	public ClusterEventPublisher(ApplicationEventPublisher publisher, Object source,
			Supplier<? extends ObjectMapper> mapper) {
		this.publisher = publisher;
		this.source = source;
		this.mapper = mapper;
	}

	@Override
	public void forked(WorkerInfo worker) {
		publish(this.lifecycle, new WorkerForkedEvent(this.source, worker), null);
	}

	@Override
	public void online(WorkerInfo worker) {
		publish(this.lifecycle, new WorkerOnlineEvent(this.source, worker), null);
	}

	@Override
	public void listening(WorkerInfo worker) {
		publish(this.lifecycle, new WorkerListeningEvent(this.source, worker), null);
	}

	@Override
	public void disconnected(WorkerInfo worker) {
		publish(this.lifecycle, new WorkerDisconnectedEvent(this.source, worker), null);
	}

	@Override
	public void exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {
		publish(this.lifecycle, new WorkerExitedEvent(this.source, worker, exit, restartDelay), null);
	}

	@Override
	public void message(WorkerInfo worker, JsonNode payload, Runnable delivered) {
		publish(this.messages,
				new WorkerMessageEvent(this.source, worker, new ClusterMessage(worker.id(), payload, this.mapper.get())),
				delivered);
	}

	/**
	 * Publish, in a worker, a message it received.
	 * @param senderId the sending worker's id, or {@link ClusterMessage#MASTER}
	 * @param payload the message
	 */
	public void received(int senderId, JsonNode payload) {
		publish(this.messages, new ClusterMessageEvent(this.source, new ClusterMessage(senderId, payload, this.mapper.get())),
				null);
	}

	private void publish(ThreadPoolExecutor executor, ApplicationEvent event, @Nullable Runnable delivered) {
		try {
			executor.execute(() -> {
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
			if (executor.isShutdown()) {
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
		this.lifecycle.shutdown();
		this.messages.shutdown();
		try {
			this.lifecycle.awaitTermination(5, TimeUnit.SECONDS);
			this.messages.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static ThreadPoolExecutor executor(String name) {
		return new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_WAITING_EVENTS),
				(runnable) -> {
					Thread thread = new Thread(runnable, name);
					thread.setDaemon(true);
					return thread;
				});
	}

}
