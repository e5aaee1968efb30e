package io.clusterboot.server;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Fails a worker's start, with a message saying why, when its web server is not one
 * whose port the workers can share, rather than letting the second worker fail with
 * "port in use". In proxy mode every worker binds a port of its own, so any web server
 * will do, unless the master sends a PROXY protocol header the server cannot read.
 *
 * @since 0.1.0
 * @see SharedPortServers
 * @see ProxyModeSupport
 */
public class PortSharingCheckCustomizer implements WebServerFactoryCustomizer<WebServerFactory>, Ordered {

	private final boolean proxyMode;

	private final boolean proxyProtocol;

	/**
	 * Create a customizer for a worker that shares the port with {@code SO_REUSEPORT}.
	 */
	public PortSharingCheckCustomizer() {
		this(false, false);
	}

	/**
	 * Create a customizer.
	 * @param proxyMode whether the worker runs behind its master in proxy mode
	 * @param proxyProtocol whether, in proxy mode, the master sends a PROXY protocol
	 * header before each connection's bytes
	 */
	public PortSharingCheckCustomizer(boolean proxyMode, boolean proxyProtocol) {
		this.proxyMode = proxyMode;
		this.proxyProtocol = proxyProtocol;
	}

	@Override
	public void customize(WebServerFactory factory) {
		if (this.proxyMode) {
			if (this.proxyProtocol && !ProxyModeSupport.canReadProxyProtocol(factory)) {
				throw new IllegalStateException("This worker's master sends a PROXY protocol header before each "
						+ "connection, which the application's web server (" + factory.getClass().getName()
						+ ") cannot read; only Tomcat, Jetty and Reactor Netty with io.netty:netty-codec-haproxy can");
			}
			return;
		}
		int port = (factory instanceof AbstractConfigurableWebServerFactory configurable) ? configurable.getPort() : 0;
		if (port >= 0) {
			SharedPortServers.check(factory, port);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
