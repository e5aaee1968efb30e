package io.clusterboot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Drains a worker's web server off the shared port before Spring Boot's graceful
 * shutdown, so that a worker stops without failing a request its siblings could have
 * served. The same contract on every server, each providing its
 * {@link ServerConnections}:
 * <ol>
 * <li>it closes the listening socket: the kernel sends new connections to the siblings,
 * and with {@code net.ipv4.tcp_migrate_req=1} also those still queued on this socket;</li>
 * <li>it tells the {@link LongLivedConnections} (WebSocket sessions, server-sent event
 * streams) to go, since they would otherwise hold the worker for the whole timeout;</li>
 * <li>it keeps serving requests on the open connections, each answered with
 * {@code Connection: close}, so clients reconnect to a sibling after their current
 * request; HTTP/2 connections get {@code GOAWAY} at once and finish their streams in
 * progress, their clients opening new ones on a new connection;</li>
 * <li>it closes the connections that stay idle for the idle timeout, since a client may
 * keep one open without sending, HTTP/2 ones once no stream is left (Reactor Netty
 * closes those as soon as their last stream is done);</li>
 * <li>it returns once no connection is left, or after the timeout, leaving what remains
 * to Boot's graceful shutdown.</li>
 * </ol>
 * It stops on a thread of its own, {@code cluster-drain}, so that the other lifecycle
 * beans of its phase stop meanwhile.
 *
 * @since 0.1.0
 */
public abstract class DrainLifecycle implements SmartLifecycle {

	/**
	 * The phase of a drain: it stops just before
	 * {@link WebServerGracefulShutdownLifecycle}, after the application's own lifecycle
	 * beans of the default phase, like Boot's graceful shutdown.
	 */
	public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

	private static final Log logger = LogFactory.getLog(DrainLifecycle.class);

	private static final long CHECK_INTERVAL_MILLIS = 50;

	private final Duration timeout;

	private final Duration idleTimeout;

	private volatile Iterable<? extends LongLivedConnections> longLivedConnections = List.of();

	private volatile boolean running;

	/**
	 * Create a drain.
	 * @param timeout the longest time to wait for the open connections to close
	 * @param idleTimeout how long a connection must have been idle before it is closed
	 */
	protected DrainLifecycle(Duration timeout, Duration idleTimeout) {
		this.timeout = timeout;
		this.idleTimeout = idleTimeout;
	}

	/**
	 * Set the long-lived connections told to go once the listening socket is closed, and
	 * again at every check for those that started since on the connections left open.
	 * @param longLivedConnections the long-lived connections, iterated when the drain
	 * starts
	 */
	public void setLongLivedConnections(Iterable<? extends LongLivedConnections> longLivedConnections) {
		this.longLivedConnections = longLivedConnections;
	}

	/**
	 * Find the connections of the web server to drain, when it stops.
	 * @return the connections, or {@code null} if there is nothing this drain can drain
	 */
	protected abstract @Nullable ServerConnections findConnections();

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			drain();
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public void stop(Runnable callback) {
		Thread thread = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "cluster-drain");
		thread.start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isPauseable() {
		return false;
	}

	/**
	 * Drain the web server now.
	 * @return {@code true} if every connection closed within the timeout (or there was
	 * nothing to drain), {@code false} if some were still open
	 */
	public boolean drain() {
		ServerConnections connections = findConnections();
		if (connections == null) {
			return true;
		}
		long start = System.nanoTime();
		connections.closeListeners();
		logger.info("Draining: listening socket closed; " + connections.getOpenConnections()
				+ " open connection(s) get 'Connection: close' with their next response (HTTP/2: GOAWAY)");
		List<LongLivedConnections> longLived = new ArrayList<>();
		this.longLivedConnections.forEach(longLived::add);
		goAway(longLived, true);
		long deadline = start + this.timeout.toNanos();
		while (true) {
			goAway(longLived, false);
			int open = connections.closeIdleConnections(this.idleTimeout);
			long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			if (open == 0) {
				logger.info("Drained in " + elapsed + " ms");
				return true;
			}
			if (System.nanoTime() - deadline >= 0) {
				logger.info("Drain timed out after " + elapsed + " ms with " + open
						+ " connection(s) still open; Spring Boot's graceful shutdown takes over");
				return false;
			}
			try {
				Thread.sleep(CHECK_INTERVAL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
	}

	private static void goAway(List<LongLivedConnections> longLived, boolean first) {
		for (LongLivedConnections connections : longLived) {
			try {
				int told = connections.goAway();
				if (first || told > 0) {
					logger.info("Draining: " + told + (first ? " " : " more ") + connections.getDescription());
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Draining: could not tell " + connections.getDescription() + " to go", ex);
			}
		}
	}

}
