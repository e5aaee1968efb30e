package io.clusterboot.internal.master;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The master's own application context (the supervisor, the messenger and the
 * application's {@code @ClusterMaster} beans), built on a thread of its own once the
 * first workers are forked: the workers need none of it, and building it is most of
 * the master's own start. The cluster's events published before it is refreshed wait for
 * it, and reach its listeners in order.
 */
final class MasterContext implements ApplicationEventPublisher {

	private final CompletableFuture<@Nullable ConfigurableApplicationContext> context = new CompletableFuture<>();

	private @Nullable Thread thread;

	private volatile @Nullable Throwable failure;

	/**
	 * Build the context on a thread of its own.
	 * @param factory builds and refreshes the context
	 * @param failed told, on that thread, when the context cannot be built
	 */
	synchronized void start(Supplier<ConfigurableApplicationContext> factory, Consumer<Throwable> failed) {
		if (this.thread != null || this.context.isDone()) {
			return;
		}
		this.thread = new Thread(() -> {
			try {
				this.context.complete(factory.get());
			}
			catch (Throwable ex) {
				this.failure = ex;
				this.context.complete(null);
				failed.accept(ex);
			}
		}, "cluster-master-context");
		this.thread.start();
	}

	/**
	 * Publish an event to the context once it is refreshed; drop it if the context could
	 * not be built or was never started.
	 * @param event the event
	 */
	@Override
	public void publishEvent(Object event) {
		ConfigurableApplicationContext context = this.context.join();
		if (context != null) {
			context.publishEvent(event);
		}
	}

	/**
	 * Throw what the context failed with, if it failed.
	 */
	void rethrowFailure() {
		Throwable failure = this.failure;
		if (failure instanceof RuntimeException ex) {
			throw ex;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (failure != null) {
			throw new IllegalStateException("The master's application context failed to start", failure);
		}
	}

	/**
	 * Wait for the context to be built, if it is being built, so that the events waiting
	 * for it can be delivered before it closes.
	 */
	void await() {
		Thread thread;
		synchronized (this) {
			thread = this.thread;
			if (thread == null) {
				// Never started (a stop came before the first fork): nothing waits for it
				this.context.complete(null);
			}
		}
		if (thread != null) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Wait for the context to be built, if it is being built, and close it.
	 */
	void close() {
		await();
		ConfigurableApplicationContext context = this.context.getNow(null);
		if (context != null) {
			context.close();
		}
	}

}
