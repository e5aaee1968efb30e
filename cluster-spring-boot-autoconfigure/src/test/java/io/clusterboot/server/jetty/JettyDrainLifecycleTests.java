package io.clusterboot.server.jetty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.autoconfigure.servlet.WebSocketJettyServletWebServerFactoryCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.Http2;

import io.clusterboot.server.AbstractDrainLifecycleTests;
import io.clusterboot.server.DrainLifecycle;

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
		this.webServer = (JettyWebServer) factory.getWebServer((servletContext) -> {
			servletContext.addServlet("test", new TestServlet(this.slowRequestStarted, this.slowRequestRelease))
				.addMapping("/*");
			// Jetty sets its WebSocket container up after the initializers
			servletContext.addListener(new ServletContextListener() {

				@Override
				public void contextInitialized(ServletContextEvent event) {
					addWebSocketEndpoint(event.getServletContext());
				}

			});
		});
		this.webServer.start();
		assertThat(connector().isReusePort()).isTrue();
		return this.webServer.getPort();
	}

	private static void addWebSocketEndpoint(ServletContext servletContext) {
		ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
		try {
			container.addEndpoint(ServerEndpointConfig.Builder.create(OpenEndpoint.class, "/ws").build());
		}
		catch (DeploymentException ex) {
			throw new IllegalStateException(ex);
		}
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

	/**
	 * Answers "ok", or "slow" once released for {@code /slow}.
	 */
	private static final class TestServlet extends HttpServlet {

		private final CountDownLatch slowRequestStarted;

		private final CountDownLatch slowRequestRelease;

		TestServlet(CountDownLatch slowRequestStarted, CountDownLatch slowRequestRelease) {
			this.slowRequestStarted = slowRequestStarted;
			this.slowRequestRelease = slowRequestRelease;
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			String body = "ok";
			if (request.getRequestURI().equals("/slow")) {
				this.slowRequestStarted.countDown();
				try {
					this.slowRequestRelease.await(LONG.toSeconds(), TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				body = "slow";
			}
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			response.setContentLength(bytes.length);
			response.getOutputStream().write(bytes);
		}

	}

	/**
	 * Sends "open" to each session it opens.
	 */
	public static final class OpenEndpoint extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			session.getAsyncRemote().sendText("open");
		}

	}

}
