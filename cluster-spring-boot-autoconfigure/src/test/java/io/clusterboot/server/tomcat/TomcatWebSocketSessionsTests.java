package io.clusterboot.server.tomcat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.web.MockServletContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TomcatWebSocketSessions}.
 */
class TomcatWebSocketSessionsTests {

	@Test
	void closesOpenSessionsOfARealTomcatWithGoingAway() throws Exception {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
		factory.addContextCustomizers((context) -> context.addServletContainerInitializer(new WsSci(), null));
		// WsSci's upgrade filter runs only for a request that some servlet is mapped to
		TomcatWebServer webServer = (TomcatWebServer) factory.getWebServer(
				(servletContext) -> servletContext.addServlet("default", new HttpServlet() {
				}).addMapping("/"));
		WebSocket webSocket = null;
		try {
			webServer.start();
			ServletContext servletContext = ((Context) webServer.getTomcat().getHost().findChildren()[0])
				.getServletContext();
			((ServerContainer) servletContext.getAttribute(ServerContainer.class.getName()))
				.addEndpoint(ServerEndpointConfig.Builder.create(SilentEndpoint.class, "/ws").build());
			TomcatWebSocketSessions sessions = new TomcatWebSocketSessions();
			sessions.setServletContext(servletContext);
			CompletableFuture<String> closed = new CompletableFuture<>();
			webSocket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.buildAsync(URI.create("ws://localhost:" + webServer.getPort() + "/ws"), new WebSocket.Listener() {

					@Override
					public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
						closed.complete(statusCode + " " + reason);
						return null;
					}

				})
				.get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).until(SilentEndpoint.opened::get);
			assertThat(sessions.goAway()).isOne();
			assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo("1001 Server is draining");
			assertThat(sessions.goAway()).isZero();
		}
		finally {
			if (webSocket != null) {
				webSocket.abort();
			}
			webServer.stop();
			webServer.destroy();
		}
	}

	@Test
	void tellsNothingBeforeItKnowsTheServletContext() {
		assertThat(new TomcatWebSocketSessions().goAway()).isZero();
	}

	@Test
	void tellsNothingWithoutTomcatsWebSocketContainer() {
		TomcatWebSocketSessions sessions = new TomcatWebSocketSessions();
		sessions.setServletContext(new MockServletContext());
		assertThat(sessions.goAway()).isZero();
	}

	@Test
	void describesWhatItTellsForTheLog() {
		assertThat(new TomcatWebSocketSessions().getDescription())
			.isEqualTo("WebSocket session(s) closed with 1001 (going away)");
	}

	/**
	 * A server endpoint that says nothing.
	 */
	public static class SilentEndpoint extends Endpoint {

		static final AtomicBoolean opened = new AtomicBoolean();

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			opened.set(true);
		}

	}

}
