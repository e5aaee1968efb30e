package io.clusterboot.server;

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

/**
 * What a servlet container serves in {@link AbstractDrainLifecycleTests}: "ok", or "slow"
 * for {@code /slow} once released, and at {@code /ws} a WebSocket endpoint that sends
 * "open" to each session.
 */
public final class DrainTestServlets {

	private static final Duration LONG = Duration.ofSeconds(10);

	private DrainTestServlets() {
	}

	/**
	 * Add the servlet, mapped to every path (a container's WebSocket upgrade filter may
	 * run only for a request that some servlet is mapped to), and the WebSocket endpoint,
	 * once the container has set its WebSocket support up, after the initializers.
	 * @param servletContext the context to add them to
	 * @param slowRequestStarted counted down when a request for {@code /slow} arrives
	 * @param slowRequestRelease awaited before that request is answered
	 */
	public static void register(ServletContext servletContext, CountDownLatch slowRequestStarted,
			CountDownLatch slowRequestRelease) {
		servletContext.addServlet("test", new TestServlet(slowRequestStarted, slowRequestRelease)).addMapping("/*");
		servletContext.addListener(new ServletContextListener() {

			@Override
			public void contextInitialized(ServletContextEvent event) {
				addWebSocketEndpoint(event.getServletContext());
			}

		});
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
