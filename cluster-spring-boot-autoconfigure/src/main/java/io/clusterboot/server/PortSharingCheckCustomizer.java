package io.clusterboot.server;

import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Fails a worker's start, with a message saying why, when its web server is not one
 * whose port the workers can share, rather than letting the second worker fail with
 * "port in use".
 *
 * @since 0.1.0
 * @see SharedPortServers
 */
public class PortSharingCheckCustomizer implements WebServerFactoryCustomizer<WebServerFactory>, Ordered {

	@Override
	public void customize(WebServerFactory factory) {
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
