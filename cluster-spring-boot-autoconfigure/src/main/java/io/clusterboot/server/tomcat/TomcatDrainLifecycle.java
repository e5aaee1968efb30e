package io.clusterboot.server.tomcat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Drains a worker's Tomcat off the shared port before Spring Boot's graceful shutdown, so
 * that a worker stops without failing a request its siblings could have served.
 * <p>
 * Boot's graceful shutdown pauses the connector first: a paused Tomcat answers requests
 * arriving on open connections with 503 and closes kept-alive connections under clients
 * that may be sending on them. In a cluster the siblings can take all of that traffic, so
 * this lifecycle, stopped just before Boot's, instead:
 * <ol>
 * <li>closes the listening socket ({@link ReusePortNioEndpoint#closeListener()}): the
 * kernel sends new connections to the siblings, and with
 * {@code net.ipv4.tcp_migrate_req=1} also those still queued on this socket;</li>
 * <li>keeps serving requests on the open connections, each answered with
 * {@code Connection: close} (HTTP/2: {@code GOAWAY}), so clients reconnect to a sibling
 * after their current request;</li>
 * <li>closes the connections that stay idle for the idle timeout, since a client may keep
 * one open without sending;</li>
 * <li>returns once no connection is left, or after the timeout, leaving what remains to
 * Boot's graceful shutdown.</li>
 * </ol>
 *
 * @since 0.1.0
 */
public class TomcatDrainLifecycle implements SmartLifecycle {

	/**
	 * The phase of this lifecycle: it stops just before
	 * {@link WebServerGracefulShutdownLifecycle}, after the application's own lifecycle
	 * beans of the default phase, like Boot's graceful shutdown.
	 */
	public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

	private static final Log logger = LogFactory.getLog(TomcatDrainLifecycle.class);

	private static final long CHECK_INTERVAL_MILLIS = 50;

	private final Supplier<@Nullable WebServer> webServer;

	private final Duration timeout;

	private final Duration idleTimeout;

	private volatile boolean running;

	/**
	 * Create a lifecycle that drains the given web server if it is a Tomcat whose
	 * connectors use {@link ReusePortHttp11NioProtocol}.
	 * @param webServer the application's web server, looked up when it stops
	 * @param timeout the longest time to wait for the open connections to close
	 * @param idleTimeout how long a connection must have been idle before it is closed
	 */
	public TomcatDrainLifecycle(Supplier<@Nullable WebServer> webServer, Duration timeout, Duration idleTimeout) {
		this.webServer = webServer;
		this.timeout = timeout;
		this.idleTimeout = idleTimeout;
	}

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
	boolean drain() {
		List<ReusePortNioEndpoint> endpoints = findEndpoints();
		if (endpoints.isEmpty()) {
			return true;
		}
		long start = System.nanoTime();
		for (ReusePortNioEndpoint endpoint : endpoints) {
			if (!endpoint.closeListener()) {
				logger.warn("Could not close the listening socket of " + endpoint.getName()
						+ " gracefully; Spring Boot's graceful shutdown will pause it instead");
			}
		}
		logger.info("Draining: listening socket closed; " + openConnections(endpoints)
				+ " open connection(s) get 'Connection: close' (HTTP/2: GOAWAY) with their next response");
		long deadline = start + this.timeout.toNanos();
		while (true) {
			int open = 0;
			for (ReusePortNioEndpoint endpoint : endpoints) {
				open += endpoint.closeIdleConnections(this.idleTimeout);
			}
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

	private List<ReusePortNioEndpoint> findEndpoints() {
		List<ReusePortNioEndpoint> endpoints = new ArrayList<>();
		if (this.webServer.get() instanceof TomcatWebServer tomcat) {
			for (Service service : tomcat.getTomcat().getServer().findServices()) {
				for (Connector connector : service.findConnectors()) {
					if (connector.getState().isAvailable()
							&& connector.getProtocolHandler() instanceof ReusePortHttp11NioProtocol protocol) {
						endpoints.add(protocol.getEndpoint());
					}
				}
			}
		}
		return endpoints;
	}

	private static int openConnections(List<ReusePortNioEndpoint> endpoints) {
		int open = 0;
		for (ReusePortNioEndpoint endpoint : endpoints) {
			open += endpoint.getOpenConnections();
		}
		return open;
	}

}
