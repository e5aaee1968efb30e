package io.clusterboot.server.tomcat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Http2;

import io.clusterboot.server.RawH2cClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link TomcatDrainLifecycle}, against a real Tomcat on
 * {@link ReusePortHttp11NioProtocol} that also speaks HTTP/2 over cleartext (h2c), and
 * raw HTTP/1.1 and HTTP/2 connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class TomcatDrainLifecycleTests {

	private static final Duration LONG = Duration.ofSeconds(10);

	private final CountDownLatch slowRequestStarted = new CountDownLatch(1);

	private final CountDownLatch slowRequestRelease = new CountDownLatch(1);

	private final List<Client> clients = new ArrayList<>();

	private final List<RawH2cClient> http2Clients = new ArrayList<>();

	private TomcatWebServer webServer;

	private int port;

	@BeforeEach
	void startTomcat() {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
		factory.setProtocol(ReusePortHttp11NioProtocol.class.getName());
		Http2 h2c = new Http2();
		h2c.setEnabled(true);
		factory.setHttp2(h2c);
		this.webServer = (TomcatWebServer) factory.getWebServer((servletContext) -> servletContext
			.addServlet("test", new TestServlet(this.slowRequestStarted, this.slowRequestRelease))
			.addMapping("/*"));
		this.webServer.start();
		this.port = this.webServer.getPort();
	}

	@AfterEach
	void stopTomcat() throws IOException {
		this.slowRequestRelease.countDown();
		for (Client client : this.clients) {
			client.close();
		}
		for (RawH2cClient client : this.http2Clients) {
			client.close();
		}
		this.webServer.stop();
		this.webServer.destroy();
	}

	@Test
	void closesTheListeningSocketAndAnswersOpenConnectionsWithConnectionClose(CapturedOutput output)
			throws Exception {
		Client client = connect();
		assertThat(client.get("/").header("connection")).isNull();
		TomcatDrainLifecycle drain = drain(LONG, LONG);
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		await().atMost(LONG).untilAsserted(() -> assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket("127.0.0.1", this.port).close()));
		Response response = client.get("/");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("connection")).isEqualTo("close");
		assertThat(client.closedByServer()).isTrue();
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(drain.isRunning()).isFalse();
		await().atMost(LONG).until(() -> acceptorThreads().isEmpty());
		assertThat(output).doesNotContain("Exception").doesNotContain("SEVERE");
	}

	@Test
	void endpointClosesItsListeningSocketBeforeCloseListenerReturns() throws Exception {
		Client client = connect();
		client.get("/");
		assertThat(endpoint().closeListener()).isTrue();
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket("127.0.0.1", this.port).close());
		Response response = client.get("/");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("connection")).isEqualTo("close");
	}

	@Test
	void answersAnUpgradeOnAnOpenConnectionWithASingleConnectionHeader() throws Exception {
		Client upgrading = connect();
		Client other = connect();
		upgrading.get("/");
		other.get("/");
		assertThat(endpoint().closeListener()).isTrue();
		Response upgraded = upgrading.upgrade("/upgrade", "test");
		assertThat(upgraded.status()).isEqualTo(101);
		assertThat(upgraded.headerValues("connection")).containsExactly("Upgrade");
		assertThat(upgraded.body()).isEqualTo("upgraded");
		assertThat(other.get("/").header("connection")).isEqualTo("close");
		assertThat(other.closedByServer()).isTrue();
	}

	@Test
	void closesAConnectionOnlyOnceItWasIdleForTheIdleTimeout() throws Exception {
		Client client = connect();
		client.get("/");
		long answered = System.nanoTime();
		assertThat(drain(LONG, Duration.ofMillis(400)).drain()).isTrue();
		assertThat(client.closedByServer()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - answered)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void closesAConnectionThatNeverSentARequestOnceIdle() throws Exception {
		Client client = connect();
		await().atMost(LONG).until(() -> endpoint().getOpenConnections() == 1);
		assertThat(drain(LONG, Duration.ofMillis(100)).drain()).isTrue();
		assertThat(client.closedByServer()).isTrue();
	}

	@Test
	void waitsForARequestInProgressAndLetsItFinish() throws Exception {
		Client client = connect();
		client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		TomcatDrainLifecycle drain = drain(LONG, Duration.ofMillis(100));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		assertThat(stopped.await(500, TimeUnit.MILLISECONDS)).isFalse();
		this.slowRequestRelease.countDown();
		Response response = client.read();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("slow");
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(client.closedByServer()).isTrue();
	}

	@Test
	void givesUpAfterTheTimeoutWhenAConnectionStaysBusy() throws Exception {
		Client client = connect();
		client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		assertThat(drain(Duration.ofMillis(300), Duration.ofMillis(100)).drain()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), LONG);
		assertThat(endpoint().getOpenConnections()).isOne();
	}

	@Test
	void sendsGoAwayOnHttp2ConnectionsAndClosesEachOnceItsStreamsAreDone() throws Exception {
		RawH2cClient client = connectHttp2();
		assertThat(client.get("/", LONG)).isEqualTo("ok");
		int slow = client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		TomcatDrainLifecycle drain = drain(LONG, Duration.ofMillis(300));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		assertThat(client.awaitGoAway(Duration.ofSeconds(2))).isGreaterThanOrEqualTo(slow);
		// Longer than the idle timeout, during which the stream in progress does no I/O
		assertThat(stopped.await(800, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(endpoint().getOpenConnections()).isOne();
		long released = System.nanoTime();
		this.slowRequestRelease.countDown();
		assertThat(client.body(slow, LONG)).isEqualTo("slow");
		assertThat(client.awaitClosed(LONG)).isTrue();
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(LONG.dividedBy(2));
	}

	@Test
	void sendsGoAwayOnAnIdleHttp2ConnectionAndClosesIt() throws Exception {
		RawH2cClient client = connectHttp2();
		assertThat(client.get("/", LONG)).isEqualTo("ok");
		long start = System.nanoTime();
		assertThat(drain(LONG, Duration.ofMillis(300)).drain()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG.dividedBy(2));
		assertThat(client.awaitClosed(LONG)).isTrue();
		assertThat(client.awaitGoAway(Duration.ZERO)).isGreaterThanOrEqualTo(1);
	}

	@Test
	void drainsNothingWithoutTomcat() {
		assertThat(new TomcatDrainLifecycle(() -> null, LONG, LONG).drain()).isTrue();
	}

	@Test
	void stopsJustBeforeSpringBootsGracefulShutdown() {
		assertThat(drain(LONG, LONG).getPhase()).isEqualTo(Integer.MAX_VALUE - 1024 + 512);
	}

	private TomcatDrainLifecycle drain(Duration timeout, Duration idleTimeout) {
		return new TomcatDrainLifecycle(() -> this.webServer, timeout, idleTimeout);
	}

	private ReusePortNioEndpoint endpoint() {
		return ((ReusePortHttp11NioProtocol) this.webServer.getTomcat().getConnector().getProtocolHandler())
			.getEndpoint();
	}

	private List<String> acceptorThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.endsWith("-Acceptor"))
			.toList();
	}

	private RawH2cClient connectHttp2() throws IOException {
		RawH2cClient client = new RawH2cClient(this.port);
		this.http2Clients.add(client);
		await().atMost(LONG).until(() -> endpoint().getOpenConnections() == this.http2Clients.size());
		return client;
	}

	private Client connect() throws IOException {
		Client client = new Client(this.port);
		this.clients.add(client);
		return client;
	}

	private record Response(int status, Map<String, List<String>> headers, String body) {

		@Nullable String header(String name) {
			List<String> values = this.headers.get(name);
			return (values != null) ? String.join(", ", values) : null;
		}

		List<String> headerValues(String name) {
			return this.headers.getOrDefault(name, List.of());
		}

	}

	/**
	 * One HTTP/1.1 connection, reading responses that have a content length.
	 */
	private static final class Client {

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		Client(int port) throws IOException {
			this.socket = new Socket();
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			this.socket.setSoTimeout((int) LONG.toMillis());
			this.in = this.socket.getInputStream();
			this.out = this.socket.getOutputStream();
		}

		Response get(String path) throws IOException {
			send(path);
			return read();
		}

		void send(String path) throws IOException {
			write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
		}

		/**
		 * Ask for an upgrade to the given protocol, and read the response and the line
		 * the upgraded connection starts with.
		 */
		Response upgrade(String path, String protocol) throws IOException {
			write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: " + protocol
					+ "\r\n\r\n");
			Response response = read();
			return new Response(response.status(), response.headers(), readLine());
		}

		private void write(String request) throws IOException {
			this.out.write(request.getBytes(StandardCharsets.US_ASCII));
			this.out.flush();
		}

		Response read() throws IOException {
			String statusLine = readLine();
			Map<String, List<String>> headers = new HashMap<>();
			for (String line = readLine(); !line.isEmpty(); line = readLine()) {
				int colon = line.indexOf(':');
				headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (name) -> new ArrayList<>())
					.add(line.substring(colon + 1).trim());
			}
			byte[] body = this.in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0)));
			return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
					new String(body, StandardCharsets.UTF_8));
		}

		boolean closedByServer() throws IOException {
			return this.in.read() == -1;
		}

		private String readLine() throws IOException {
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
				if (b == -1) {
					throw new IOException("Connection closed by the server");
				}
				if (b != '\r') {
					line.write(b);
				}
			}
			return line.toString(StandardCharsets.US_ASCII);
		}

		void close() throws IOException {
			this.socket.close();
		}

	}

	/**
	 * Answers "ok", or "slow" once released for {@code /slow}, and upgrades
	 * {@code /upgrade} to a protocol of its own ({@link Upgraded}), as a WebSocket
	 * handshake does.
	 */
	private static final class TestServlet extends HttpServlet {

		private final CountDownLatch slowRequestStarted;

		private final CountDownLatch slowRequestRelease;

		TestServlet(CountDownLatch slowRequestStarted, CountDownLatch slowRequestRelease) {
			this.slowRequestStarted = slowRequestStarted;
			this.slowRequestRelease = slowRequestRelease;
		}

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response)
				throws IOException, ServletException {
			if (request.getRequestURI().equals("/upgrade")) {
				response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
				response.setHeader("Connection", "Upgrade");
				response.setHeader("Upgrade", request.getHeader("Upgrade"));
				request.upgrade(Upgraded.class);
				return;
			}
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
	 * The upgraded protocol: a line saying "upgraded", then nothing.
	 */
	public static final class Upgraded implements HttpUpgradeHandler {

		@Override
		public void init(WebConnection connection) {
			try {
				connection.getOutputStream().write("upgraded\r\n".getBytes(StandardCharsets.US_ASCII));
				connection.getOutputStream().flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void destroy() {
		}

	}

}
