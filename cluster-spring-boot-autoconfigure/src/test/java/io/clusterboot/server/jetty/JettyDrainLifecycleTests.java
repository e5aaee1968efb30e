package io.clusterboot.server.jetty;

import java.time.Duration;

import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.autoconfigure.servlet.WebSocketJettyServletWebServerFactoryCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.Http2;

import io.clusterboot.server.AbstractDrainLifecycleTests;
import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.DrainTestServlets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JettyDrainLifecycle}, against a real Jetty whose connector shares its
 * port.
 */
class JettyDrainLifecycleTests extends AbstractDrainLifecycleTests {

	private JettyWebServer webServer;

	@Override
	protected int startServer(boolean http2) {
		JettyServletWebServerFactory factory = new JettyServletWebServerFactory(0);
		Http2 h2c = new Http2();
		h2c.setEnabled(http2);
		factory.setHttp2(h2c);
		factory.addServerCustomizers(JettyReusePortCustomizer::reusePort);
		// As the drain's bean does, so that a drained connector answers with 'Connection: close'
		new JettyDrainLifecycle(() -> this.webServer, LONG, LONG).customize(factory);
		new WebSocketJettyServletWebServerFactoryCustomizer().customize(factory);
		this.webServer = (JettyWebServer) factory.getWebServer((servletContext) -> DrainTestServlets
			.register(servletContext, this.slowRequestStarted, this.slowRequestRelease));
		this.webServer.start();
		assertThat(connector().isReusePort()).isTrue();
		return this.webServer.getPort();
	}

	@Override
	protected void stopServer() {
		this.webServer.stop();
		this.webServer.destroy();
	}

	@Override
	protected DrainLifecycle drain(Duration timeout, Duration idleTimeout) {
		return new JettyDrainLifecycle(() -> this.webServer, timeout, idleTimeout);
	}

	@Override
	protected int openConnections() {
		return connector().getConnectedEndPoints().size();
	}

	private ServerConnector connector() {
		return (ServerConnector) this.webServer.getServer().getConnectors()[0];
	}

}
