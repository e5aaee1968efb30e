package io.clusterboot.server.tomcat;

import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Http2;

import io.clusterboot.server.AbstractDrainLifecycleTests;
import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.DrainTestServlets;
import io.clusterboot.server.RawHttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TomcatDrainLifecycle}, against a real Tomcat on
 * {@link ReusePortHttp11NioProtocol}.
 */
class TomcatDrainLifecycleTests extends AbstractDrainLifecycleTests {

	private TomcatWebServer webServer;

	private int port;

	@Override
	protected int startServer(boolean http2) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
		factory.setProtocol(ReusePortHttp11NioProtocol.class.getName());
		Http2 h2c = new Http2();
		h2c.setEnabled(http2);
		factory.setHttp2(h2c);
		factory.addContextCustomizers((context) -> context.addServletContainerInitializer(new WsSci(), null));
		this.webServer = (TomcatWebServer) factory.getWebServer((servletContext) -> DrainTestServlets
			.register(servletContext, this.slowRequestStarted, this.slowRequestRelease));
		this.webServer.start();
		// Tomcat knows its port only while its listening socket is open
		this.port = this.webServer.getPort();
		return this.port;
	}

	/**
	 * Tomcat decides whether a connection stays open when a request starts: its drain
	 * answers {@code Connection: close} from the next request on.
	 */
	@Override
	protected boolean answersARequestInProgressWithConnectionClose() {
		return false;
	}

	@Override
	protected void stopServer() {
		this.webServer.stop();
		this.webServer.destroy();
	}

	@Override
	protected DrainLifecycle drain(Duration timeout, Duration idleTimeout) {
		return new TomcatDrainLifecycle(() -> this.webServer, timeout, idleTimeout);
	}

	@Override
	protected int openConnections() {
		return endpoint().getOpenConnections();
	}

	@Test
	void endpointClosesItsListeningSocketBeforeCloseListenerReturns() throws Exception {
		RawHttpClient client = connect();
		client.get("/");
		assertThat(endpoint().closeListener()).isTrue();
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket("127.0.0.1", this.port).close());
		RawHttpClient.Response response = client.get("/");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("connection")).isEqualTo("close");
	}

	@Test
	void stopsTheAcceptorWithoutAnyErrorOnceDrained(CapturedOutput output) throws Exception {
		RawHttpClient client = connect();
		client.get("/");
		assertThat(drain(LONG, Duration.ofMillis(100)).drain()).isTrue();
		assertThat(client.closedByServer()).isTrue();
		await().atMost(LONG).until(() -> acceptorThreads().isEmpty());
		assertThat(output).doesNotContain("Exception").doesNotContain("SEVERE");
	}

	@Test
	void drainsNothingWithoutTomcat() {
		assertThat(new TomcatDrainLifecycle(() -> null, LONG, LONG).drain()).isTrue();
	}

	private ReusePortNioEndpoint endpoint() {
		return ((ReusePortHttp11NioProtocol) this.webServer.getTomcat().getConnector().getProtocolHandler())
			.getEndpoint();
	}

	private static List<String> acceptorThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.endsWith("-Acceptor"))
			.toList();
	}

}
