package io.clusterboot.server.tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

import io.clusterboot.server.proxy.ProxyProtocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link ProxyProtocolNioEndpoint}, through {@link TomcatProxyProtocolCustomizer},
 * against a real Tomcat on {@code 127.0.0.1} and raw connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProxyProtocolNioEndpointTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("127.0.0.2"), 5555);

	private static final Duration HEADER_TIMEOUT = Duration.ofMillis(500);

	private TomcatWebServer webServer;

	@AfterEach
	void stopTomcat() {
		if (this.webServer != null) {
			this.webServer.stop();
			this.webServer.destroy();
		}
	}

	@Test
	void requestSeesTheClientOfTheHeader() throws IOException {
		start(true);
		try (Socket socket = connect()) {
			String response = exchange(socket, header());
			assertThat(response).startsWith("HTTP/1.1 200").endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void keptAliveConnectionKeepsTheClient() throws IOException {
		start(true);
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
			assertThat(exchange(socket, new byte[0])).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void localHeaderLeavesTheConnectionsOwnAddress() throws IOException {
		start(true);
		byte[] local = header();
		local[12] = 0x20;
		try (Socket socket = connect()) {
			String response = exchange(socket, local);
			assertThat(response).startsWith("HTTP/1.1 200").endsWith("127.0.0.1:" + socket.getLocalPort());
		}
	}

	@Test
	void connectionWithoutAHeaderIsClosedAndTheNextOneIsServed(CapturedOutput output) throws IOException {
		start(true);
		try (Socket socket = connect()) {
			socket.getOutputStream().write(request());
			assertThat(readAll(socket)).isEmpty();
		}
		assertThat(output).contains("Closed a connection to this worker's private port from /127.0.0.1:")
			.contains("did not start with a PROXY protocol v2 header");
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void connectionSendingGarbageIsClosedAndTheNextOneIsServed() throws IOException {
		start(true);
		try (Socket socket = connect()) {
			socket.getOutputStream().write(new byte[64]);
			assertThat(readAll(socket)).isEmpty();
		}
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void silentConnectionIsClosedAfterTheTimeoutWithoutHoldingUpOthers(CapturedOutput output) throws IOException {
		start(true);
		try (Socket silent = connect()) {
			long start = System.nanoTime();
			try (Socket socket = connect()) {
				assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HEADER_TIMEOUT);
			assertThat(readAll(silent)).isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start))
				.isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(50));
		}
		assertThat(output).contains("it sent no complete PROXY protocol header within 500 ms");
	}

	@Test
	void manySilentConnectionsDelayNoOther() throws Exception {
		start(true);
		Socket[] silent = new Socket[20];
		try {
			for (int i = 0; i < silent.length; i++) {
				silent[i] = connect();
			}
			CountDownLatch answered = new CountDownLatch(1);
			Thread thread = new Thread(() -> {
				try (Socket socket = connect()) {
					if (exchange(socket, header()).endsWith("127.0.0.2:5555")) {
						answered.countDown();
					}
				}
				catch (IOException ex) {
					// The latch stays up
				}
			});
			thread.start();
			assertThat(answered.await(HEADER_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS)).isTrue();
		}
		finally {
			for (Socket socket : silent) {
				if (socket != null) {
					socket.close();
				}
			}
		}
	}

	@Test
	void withoutAHeaderTheRequestSeesTheMaster() throws IOException {
		start(false);
		try (Socket socket = connect()) {
			String response = exchange(socket, new byte[0]);
			assertThat(response).startsWith("HTTP/1.1 200").endsWith("127.0.0.1:" + socket.getLocalPort());
		}
	}

	@Test
	void bindsWithoutReusePort() throws IOException {
		start(true);
		try (ServerSocketChannel other = ServerSocketChannel.open()) {
			other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			assertThatIOException()
				.isThrownBy(() -> other.bind(new InetSocketAddress("127.0.0.1", this.webServer.getPort())));
		}
	}

	@Test
	void drainClosesThePlainListener() throws Exception {
		start(true);
		ProxyProtocolNioEndpoint endpoint = endpoint(this.webServer.getTomcat().getConnector());
		int port = this.webServer.getPort();
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
			assertThat(endpoint.closeListener()).isTrue();
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> new Socket("127.0.0.1", port).close());
			assertThat(exchange(socket, new byte[0])).contains("Connection: close").endsWith("127.0.0.2:5555");
		}
	}

	private void start(boolean proxyProtocol) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
		factory.setAddress(address("127.0.0.1"));
		new TomcatProxyProtocolCustomizer(proxyProtocol).customize(factory);
		factory.addConnectorCustomizers((connector) -> endpoint(connector).setHeaderTimeout(HEADER_TIMEOUT));
		this.webServer = (TomcatWebServer) factory.getWebServer((servletContext) -> servletContext
			.addServlet("remote", new RemoteAddressServlet())
			.addMapping("/*"));
		this.webServer.start();
	}

	private static ProxyProtocolNioEndpoint endpoint(Connector connector) {
		return (ProxyProtocolNioEndpoint) ((ProxyProtocolHttp11NioProtocol) connector.getProtocolHandler())
			.getEndpoint();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket("127.0.0.1", this.webServer.getPort());
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static byte[] header() {
		ByteBuffer header = ProxyProtocol.header(CLIENT, new InetSocketAddress(address("127.0.0.1"), 8080));
		byte[] bytes = new byte[header.remaining()];
		header.get(bytes);
		return bytes;
	}

	private static byte[] request() {
		return "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Send the given bytes and a request, and read one response whose body is the remote
	 * address the servlet saw.
	 */
	private static String exchange(Socket socket, byte[] prefix) throws IOException {
		OutputStream output = socket.getOutputStream();
		output.write(prefix);
		output.write(request());
		output.flush();
		InputStream input = socket.getInputStream();
		StringBuilder response = new StringBuilder();
		int contentLength = -1;
		while (!response.toString().endsWith("\r\n\r\n")) {
			int read = input.read();
			if (read < 0) {
				return response.toString();
			}
			response.append((char) read);
		}
		for (String line : response.toString().split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		response.append(new String(input.readNBytes(contentLength), StandardCharsets.US_ASCII));
		return response.toString();
	}

	private static String readAll(Socket socket) throws IOException {
		try {
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("The server did not close the connection", ex);
		}
		catch (IOException ex) {
			// Reset by the server
			return "";
		}
	}

	private static InetAddress address(String address) {
		try {
			return InetAddress.getByName(address);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class RemoteAddressServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			byte[] body = (request.getRemoteAddr() + ":" + request.getRemotePort()).getBytes(StandardCharsets.US_ASCII);
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		}

	}

}
