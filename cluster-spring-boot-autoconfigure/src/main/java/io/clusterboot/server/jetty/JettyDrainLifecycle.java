package io.clusterboot.server.jetty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.IdleTimeout;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.Container;
import org.eclipse.jetty.util.component.Graceful;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.ServerConnections;

/**
 * Drains a worker's Jetty (servlet or reactive) off the shared port before Spring Boot's
 * graceful shutdown, as {@link DrainLifecycle} says.
 * <p>
 * It closes each connector's listening channel ({@link ServerConnector#close()}), leaving
 * the accepted endpoints open (the socket closes once the acceptor thread has left its
 * blocking accept, at once). From then on every HTTP/1.1 response but a {@code 101} says
 * {@code Connection: close}, and Jetty closes its connection after it: it is also the
 * customizer of the Jetty web server factories that makes every connector do so
 * ({@link DrainingCustomizer}). Jetty's own graceful shutdown of a connector
 * ({@link ServerConnector#shutdown()}) is not used: it would also add {@code close} to
 * the {@code 101} of a WebSocket handshake, and lower every endpoint's idle timeout to
 * the connector's shutdown idle timeout, which would expire a request that does no I/O
 * for that long. This drain closes only the connections with no request in progress that
 * were idle for the drain's idle timeout.
 * <p>
 * HTTP/2 connections (h2c, with {@code server.http2.enabled} and
 * {@code jetty-http2-server}) are left alone by a closed listener, and by the connector's
 * shutdown too: Jetty sends them {@code GOAWAY} only when the whole server stops. This
 * drain shuts the HTTP/2 sessions down when it closes the listener, so each gets
 * {@code GOAWAY} at once (and those opened later, by an h2c upgrade under way, as they
 * open), finishes its streams in progress, and then sends its last {@code GOAWAY}. Its
 * client then closes the connection; one that does not is closed once it has been idle
 * for the idle timeout.
 *
 * @since 0.1.0
 */
public class JettyDrainLifecycle extends DrainLifecycle
		implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	private static final boolean HTTP2_PRESENT = ClassUtils.isPresent(JettyHttp2Sessions.HTTP2_CONNECTION_CLASS,
			JettyDrainLifecycle.class.getClassLoader());

	private final Supplier<@Nullable WebServer> webServer;

	/**
	 * Create a lifecycle that drains the given web server if it is a Jetty.
	 * @param webServer the application's web server, looked up when it stops
	 * @param timeout the longest time to wait for the open connections to close
	 * @param idleTimeout how long a connection must have been idle before it is closed
	 */
	public JettyDrainLifecycle(Supplier<@Nullable WebServer> webServer, Duration timeout, Duration idleTimeout) {
		super(timeout, idleTimeout);
		this.webServer = webServer;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		// Boot applies server customizers once the connectors exist
		factory.addServerCustomizers(DrainingCustomizer::install);
	}

	@Override
	protected @Nullable ServerConnections findConnections() {
		List<ServerConnector> connectors = new ArrayList<>();
		if (this.webServer.get() instanceof JettyWebServer jetty) {
			for (Connector connector : jetty.getServer().getConnectors()) {
				if (connector instanceof ServerConnector serverConnector && serverConnector.isRunning()
						&& serverConnector.isOpen()) {
					connectors.add(serverConnector);
				}
			}
		}
		return connectors.isEmpty() ? null : new ConnectorConnections(connectors);
	}

	@Override
	public int getOrder() {
		return 0;
	}

	/**
	 * The connections of Jetty's server connectors.
	 */
	record ConnectorConnections(List<ServerConnector> connectors) implements ServerConnections {

		@Override
		public void closeListeners() {
			for (ServerConnector connector : this.connectors) {
				connector.close();
				shutDownProtocols(connector);
			}
		}

		/**
		 * Shut down the graceful parts of the connector's protocols, which its own
		 * shutdown leaves to the server's: HTTP/2's session container sends
		 * {@code GOAWAY} to every session, and to each one opened from now on (an h2c
		 * upgrade under way), and lets their streams in progress finish.
		 */
		private static void shutDownProtocols(ServerConnector connector) {
			for (ConnectionFactory factory : connector.getConnectionFactories()) {
				List<Graceful> graceful = new ArrayList<>();
				if (factory instanceof Graceful self) {
					graceful.add(self);
				}
				if (factory instanceof Container container) {
					graceful.addAll(container.getContainedBeans(Graceful.class));
				}
				graceful.forEach(Graceful::shutdown);
			}
		}

		@Override
		public int getOpenConnections() {
			int open = 0;
			for (ServerConnector connector : this.connectors) {
				open += connector.getConnectedEndPoints().size();
			}
			return open;
		}

		@Override
		public int closeIdleConnections(Duration idleTime) {
			for (ServerConnector connector : this.connectors) {
				for (EndPoint endPoint : connector.getConnectedEndPoints()) {
					// After a 'Connection: close' response Jetty only shuts its output down
					// and waits for the client: nothing more can be sent on it
					if (endPoint.isOutputShutdown() || isIdle(endPoint, idleTime.toMillis())) {
						endPoint.close();
					}
				}
			}
			return getOpenConnections();
		}

		/**
		 * Whether a connection has nothing more to do and has been idle long enough:
		 * nothing was read or written for {@code idleMillis}, and it is either an
		 * HTTP/1.1 connection with no request in progress or partly read, or an HTTP/2
		 * session that was told to go and has no stream left. Upgraded connections
		 * (WebSocket) and other protocols are never idle here.
		 */
		static boolean isIdle(EndPoint endPoint, long idleMillis) {
			Connection connection = endPoint.getConnection();
			if (!endPoint.isOpen() || !(endPoint instanceof IdleTimeout idle) || idle.getIdleFor() < idleMillis) {
				return false;
			}
			if (connection instanceof HttpConnection http) {
				return http.getHttpChannel().getRequest() == null && http.isRequestBufferEmpty();
			}
			return HTTP2_PRESENT && JettyHttp2Sessions.isDone(connection);
		}

	}

}
