package io.clusterboot.internal.worker;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Holds a hot spare at the point where its application context is refreshed and nothing
 * in it has started: every singleton exists, and the web server, schedulers and message
 * listeners (all lifecycle beans, or started on the context's refreshed event) wait. The
 * spare tells the master it stands by and waits, on the thread that refreshes the
 * context, until the master promotes it into a slot; then the refresh carries on, as a
 * worker's does.
 * <p>
 * A spare the master stops, or whose master goes away, never starts anything: when the
 * JVM begins to shut down, Spring's shutdown hook interrupts the refresh thread, which
 * then closes the context itself (destroying its beans) and ends the JVM, as
 * {@code -Dspring.context.exit=onRefresh} does.
 */
final class SpareStandby implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SpareStandby.class);

	private final ConfigurableApplicationContext context;

	private final CompletableFuture<Integer> promotion;

	private final Runnable standingBy;

	private final IntConsumer promoted;

	private final IntConsumer halt;

	private volatile boolean running;

	/**
	 * Create a standby.
	 * @param context the spare's application context
	 * @param promotion completes with the slot id the master promotes the spare into, or
	 * exceptionally when the spare loses its master
	 * @param standingBy tells the master the spare stands by
	 * @param promoted takes the slot id once the spare is promoted, before anything starts
	 */
	SpareStandby(ConfigurableApplicationContext context, CompletableFuture<Integer> promotion, Runnable standingBy,
			IntConsumer promoted) {
		this(context, promotion, standingBy, promoted, Runtime.getRuntime()::halt);
	}

	SpareStandby(ConfigurableApplicationContext context, CompletableFuture<Integer> promotion, Runnable standingBy,
			IntConsumer promoted, IntConsumer halt) {
		this.context = context;
		this.promotion = promotion;
		this.standingBy = standingBy;
		this.promoted = promoted;
		this.halt = halt;
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.standingBy.run();
		logger.info("Standing by as a spare, " + ManagementFactory.getRuntimeMXBean().getUptime()
				+ "ms after the JVM started; nothing starts until the master promotes this worker");
		int workerId;
		try {
			// Untimed, so that the thread counts as waiting and Spring's shutdown hook
			// interrupts it
			workerId = this.promotion.get();
		}
		catch (InterruptedException | ExecutionException ex) {
			logger.info("Spare stopping before it was promoted"
					+ ((ex instanceof ExecutionException) ? ": " + ex.getCause().getMessage() : ""));
			this.context.close();
			this.halt.accept(0);
			// Only a test's halt returns: the refresh must not carry on
			throw new IllegalStateException("Spare stopped before it was promoted");
		}
		logger.info("Promoted to worker " + workerId + "; starting the application");
		this.promoted.accept(workerId);
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Right after a class-data dump, before every other lifecycle bean
		return Integer.MIN_VALUE + 1;
	}

}
