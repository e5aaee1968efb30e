package io.clusterboot.server.jetty;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Jetty bind its port with {@code SO_REUSEPORT}, so that all workers share it.
 * Applies to the servlet and the reactive Jetty factories alike.
 *
 * @since 0.1.0
 */
public class JettyReusePortCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, Ordered {

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		// Boot applies server customizers once the connectors exist, before they bind
		factory.addServerCustomizers(JettyReusePortCustomizer::reusePort);
	}

	static void reusePort(Server server) {
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof ServerConnector serverConnector) {
				serverConnector.setReusePort(true);
			}
		}
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
