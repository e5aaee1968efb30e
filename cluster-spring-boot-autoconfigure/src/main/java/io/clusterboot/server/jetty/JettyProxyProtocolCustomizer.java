package io.clusterboot.server.jetty;

import java.nio.ByteBuffer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.clusterboot.server.proxy.RefusedConnections;

/**
 * Makes a worker's Jetty, in proxy mode, read the PROXY protocol header its master sends
 * before each connection's bytes, with Jetty's own {@link ProxyConnectionFactory} in front
 * of the connector's protocols, so that requests and the access log see the real client.
 * The private port is bound plainly, without {@code SO_REUSEPORT}. A connection that does
 * not start with a header, or whose peer is not on this machine, is closed with one
 * (rate-limited) WARN line: only the master connects to a worker's private port. Applies
 * to the servlet and the reactive Jetty factories alike.
 *
 * @since 0.1.0
 */
public class JettyProxyProtocolCustomizer
		implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(JettyProxyProtocolCustomizer.class);

	private final boolean proxyProtocol;

	/**
	 * Create a customizer.
	 * @param proxyProtocol whether the master sends a PROXY protocol header before each
	 * connection's bytes
	 */
	public JettyProxyProtocolCustomizer(boolean proxyProtocol) {
		this.proxyProtocol = proxyProtocol;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		// Boot applies server customizers once the connectors exist, before they bind
		factory.addServerCustomizers((server) -> proxyProtocol(server, this.proxyProtocol));
	}

	static void proxyProtocol(Server server, boolean proxyProtocol) {
		RefusedConnections refused = new RefusedConnections(logger);
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.addEventListener(new LocalPeersOnly(refused));
				if (proxyProtocol) {
					serverConnector.addFirstConnectionFactory(
							new RequiredProxyConnectionFactory(serverConnector.getDefaultProtocol(), refused));
				}
			}
		}
	}

	@Override
	public int getOrder() {
		return 0;
	}

	/**
	 * Jetty's {@link ProxyConnectionFactory}, which passes a connection without a header
	 * on to the next protocol, made to close it instead.
	 */
	static class RequiredProxyConnectionFactory extends ProxyConnectionFactory {

		private final RefusedConnections refused;

		RequiredProxyConnectionFactory(String nextProtocol, RefusedConnections refused) {
			super(nextProtocol);
			this.refused = refused;
		}

		@Override
		protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
			this.refused.refused(endPoint.getRemoteSocketAddress(),
					"it did not start with a PROXY protocol header");
			endPoint.close();
		}

	}

	/**
	 * Closes a connection whose TCP peer is not on this machine. It looks at the socket,
	 * not at the address a PROXY protocol header gave the connection.
	 */
	static class LocalPeersOnly implements Connection.Listener {

		private final RefusedConnections refused;

		LocalPeersOnly(RefusedConnections refused) {
			this.refused = refused;
		}

		@Override
		public void onOpened(Connection connection) {
			if (connection.getEndPoint() instanceof SocketChannelEndPoint endPoint
					&& !RefusedConnections.isLocal(endPoint.getRemoteSocketAddress())) {
				this.refused.refused(endPoint.getRemoteSocketAddress(), "it does not come from this machine");
				endPoint.close();
			}
		}

	}

}
