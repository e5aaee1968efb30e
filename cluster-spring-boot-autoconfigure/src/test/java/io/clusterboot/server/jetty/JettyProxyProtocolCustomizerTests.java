package io.clusterboot.server.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.jetty.reactive.JettyReactiveWebServerFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.core.io.buffer.DataBuffer;

import io.clusterboot.server.proxy.ProxyProtocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link JettyProxyProtocolCustomizer}: real Jetty servers on {@code 127.0.0.1}
 * and raw connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class JettyProxyProtocolCustomizerTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("127.0.0.2"), 5555);

	private WebServer webServer;

	@AfterEach
	void stopJetty() {
		if (this.webServer != null) {
			this.webServer.stop();
		}
	}

	@Test
	void servletRequestSeesTheClientOfTheHeader() throws IOException {
		startServlet(true);
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).startsWith("HTTP/1.1 200").endsWith("127.0.0.2:5555");
			assertThat(exchange(socket, new byte[0])).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void reactiveRequestSeesTheClientOfTheHeader() throws IOException {
		JettyReactiveWebServerFactory factory = new JettyReactiveWebServerFactory(0);
		factory.setAddress(address("127.0.0.1"));
		new JettyProxyProtocolCustomizer(true).customize(factory);
		this.webServer = factory.getWebServer((request, response) -> {
			InetSocketAddress remote = request.getRemoteAddress();
			byte[] body = (remote.getAddress().getHostAddress() + ":" + remote.getPort())
				.getBytes(StandardCharsets.US_ASCII);
			DataBuffer buffer = response.bufferFactory().wrap(body);
			response.getHeaders().setContentLength(body.length);
			return response.writeWith(Mono.just(buffer));
		});
		this.webServer.start();
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).startsWith("HTTP/1.1 200").endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void connectionWithoutAHeaderIsClosedAndTheNextOneIsServed(CapturedOutput output) throws IOException {
		startServlet(true);
		try (Socket socket = connect()) {
			socket.getOutputStream().write(request());
			assertThat(readAll(socket)).isEmpty();
		}
		assertThat(output).contains("Closed a connection to this worker's private port from /127.0.0.1:")
			.contains("it did not start with a PROXY protocol header");
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void withoutAHeaderTheRequestSeesTheMaster() throws IOException {
		startServlet(false);
		try (Socket socket = connect()) {
			assertThat(exchange(socket, new byte[0])).startsWith("HTTP/1.1 200")
				.endsWith("127.0.0.1:" + socket.getLocalPort());
		}
	}

	@Test
	void bindsWithoutReusePort() throws IOException {
		startServlet(true);
		try (ServerSocketChannel other = ServerSocketChannel.open()) {
			other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			assertThatIOException()
				.isThrownBy(() -> other.bind(new InetSocketAddress("127.0.0.1", this.webServer.getPort())));
		}
	}

	private void startServlet(boolean proxyProtocol) {
		JettyServletWebServerFactory factory = new JettyServletWebServerFactory(0);
		factory.setAddress(address("127.0.0.1"));
		new JettyProxyProtocolCustomizer(proxyProtocol).customize(factory);
		this.webServer = factory.getWebServer((servletContext) -> servletContext
			.addServlet("remote", new RemoteAddressServlet())
			.addMapping("/*"));
		this.webServer.start();
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket("127.0.0.1", this.webServer.getPort());
		socket.setSoTimeout(10_000);
		return socket;
	}

	static byte[] header() {
		ByteBuffer header = ProxyProtocol.header(CLIENT, new InetSocketAddress(address("127.0.0.1"), 8080));
		byte[] bytes = new byte[header.remaining()];
		header.get(bytes);
		return bytes;
	}

	static byte[] request() {
		return "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Send the given bytes and a request, and read one response whose body is the remote
	 * address the server saw.
	 */
	static String exchange(Socket socket, byte[] prefix) throws IOException {
		OutputStream output = socket.getOutputStream();
		output.write(prefix);
		output.write(request());
		output.flush();
		InputStream input = socket.getInputStream();
		StringBuilder response = new StringBuilder();
		while (!response.toString().endsWith("\r\n\r\n")) {
			int read = input.read();
			if (read < 0) {
				return response.toString();
			}
			response.append((char) read);
		}
		int contentLength = 0;
		for (String line : response.toString().split("\r\n")) {
			if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
				contentLength = Integer.parseInt(line.substring("content-length:".length()).trim());
			}
		}
		response.append(new String(input.readNBytes(contentLength), StandardCharsets.US_ASCII));
		return response.toString();
	}

	static String readAll(Socket socket) throws IOException {
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

	static InetAddress address(String address) {
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
