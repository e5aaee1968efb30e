package io.clusterboot.server.tomcat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.ServerConnections;

/**
 * Drains a worker's Tomcat off the shared port before Spring Boot's graceful shutdown, so
 * that a worker stops without failing a request its siblings could have served.
 * <p>
 * Boot's graceful shutdown pauses the connector first: a paused Tomcat answers requests
 * arriving on open connections with 503 and closes kept-alive connections under clients
 * that may be sending on them. In a cluster the siblings can take all of that traffic, so
 * this lifecycle, stopped just before Boot's, drains it as {@link DrainLifecycle} says:
 * it closes the listening socket from the acceptor thread
 * ({@link ReusePortNioEndpoint#closeListener()}), after which Tomcat answers with
 * {@code Connection: close} and sends {@code GOAWAY} on HTTP/2 connections (h2c, with
 * {@code server.http2.enabled}), and closes the connections that stay idle, HTTP/2 ones
 * once they have no stream left ({@link ReusePortNioEndpoint#closeIdleConnections(Duration)}).
 *
 * @since 0.1.0
 */
public class TomcatDrainLifecycle extends DrainLifecycle {

	/**
	 * The phase of this lifecycle, that of every {@link DrainLifecycle}.
	 */
	public static final int PHASE = DrainLifecycle.PHASE;

	private static final Log logger = LogFactory.getLog(TomcatDrainLifecycle.class);

	private final Supplier<@Nullable WebServer> webServer;

	/**
	 * Create a lifecycle that drains the given web server if it is a Tomcat whose
	 * connectors use {@link ReusePortHttp11NioProtocol}.
	 * @param webServer the application's web server, looked up when it stops
	 * @param timeout the longest time to wait for the open connections to close
	 * @param idleTimeout how long a connection must have been idle before it is closed
	 */
	public TomcatDrainLifecycle(Supplier<@Nullable WebServer> webServer, Duration timeout, Duration idleTimeout) {
		super(timeout, idleTimeout);
		this.webServer = webServer;
	}

	@Override
	protected @Nullable ServerConnections findConnections() {
		List<ReusePortNioEndpoint> endpoints = findEndpoints();
		return endpoints.isEmpty() ? null : new EndpointConnections(endpoints);
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

	/**
	 * The connections of Tomcat's endpoints.
	 */
	private record EndpointConnections(List<ReusePortNioEndpoint> endpoints) implements ServerConnections {

		@Override
		public void closeListeners() {
			for (ReusePortNioEndpoint endpoint : this.endpoints) {
				if (!endpoint.closeListener()) {
					logger.warn("Could not close the listening socket of " + endpoint.getName()
							+ " gracefully; Spring Boot's graceful shutdown will pause it instead");
				}
			}
		}

		@Override
		public int getOpenConnections() {
			int open = 0;
			for (ReusePortNioEndpoint endpoint : this.endpoints) {
				open += endpoint.getOpenConnections();
			}
			return open;
		}

		@Override
		public int closeIdleConnections(Duration idleTime) {
			int open = 0;
			for (ReusePortNioEndpoint endpoint : this.endpoints) {
				open += endpoint.closeIdleConnections(idleTime);
			}
			return open;
		}

	}

}
