package io.clusterboot.server.jetty;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.jetty.reactive.JettyReactiveWebServerFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.WebServer;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JettyReusePortCustomizer}: real Jetty servers binding one port.
 */
class JettyReusePortCustomizerTests {

	private final List<WebServer> servers = new ArrayList<>();

	@AfterEach
	void stopServers() {
		this.servers.forEach(WebServer::stop);
	}

	@Test
	void twoServletServersShareOnePort() throws IOException {
		int port = freePort();
		assertThat(start(customized(JettyServletWebServerFactory::new, port)).getPort()).isEqualTo(port);
		assertThat(start(customized(JettyServletWebServerFactory::new, port)).getPort()).isEqualTo(port);
	}

	@Test
	void twoReactiveServersShareOnePort() throws IOException {
		int port = freePort();
		assertThat(start(customized(JettyReactiveWebServerFactory::new, port)).getPort()).isEqualTo(port);
		assertThat(start(customized(JettyReactiveWebServerFactory::new, port)).getPort()).isEqualTo(port);
	}

	@Test
	void withoutTheCustomizerTheSecondServerCannotBind() throws IOException {
		int port = freePort();
		start(new JettyServletWebServerFactory(port));
		assertThatExceptionOfType(PortInUseException.class)
			.isThrownBy(() -> start(new JettyServletWebServerFactory(port)));
	}

	private static <F extends JettyWebServerFactory> F customized(IntFunction<F> factory, int port) {
		F customized = factory.apply(port);
		new JettyReusePortCustomizer().customize(customized);
		return customized;
	}

	private WebServer start(JettyWebServerFactory factory) {
		WebServer server = (factory instanceof JettyServletWebServerFactory servlet) ? servlet.getWebServer()
				: ((JettyReactiveWebServerFactory) factory).getWebServer((request, response) -> {
					response.setStatusCode(HttpStatus.NO_CONTENT);
					return response.setComplete();
				});
		this.servers.add(server);
		server.start();
		return server;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
