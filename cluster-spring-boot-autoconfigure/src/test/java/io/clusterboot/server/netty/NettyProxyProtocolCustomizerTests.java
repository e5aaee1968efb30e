package io.clusterboot.server.netty;

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
import java.time.Duration;
import java.util.Locale;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.core.io.buffer.DataBuffer;

import io.clusterboot.server.proxy.ProxyProtocol;
import io.clusterboot.server.proxy.RefusedConnections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link NettyProxyProtocolCustomizer}: real Reactor Netty servers on
 * {@code 127.0.0.1}, made by Spring Boot's factory, and raw connections.
 */
@ExtendWith(OutputCaptureExtension.class)
class NettyProxyProtocolCustomizerTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress(address("127.0.0.2"), 5555);

	private WebServer webServer;

	@AfterEach
	void stopNetty() {
		if (this.webServer != null) {
			this.webServer.stop();
		}
	}

	@Test
	void requestSeesTheClientOfTheHeader() throws IOException {
		start(true);
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).startsWith("HTTP/1.1 200").endsWith("127.0.0.2:5555");
			assertThat(exchange(socket, new byte[0])).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void connectionWithoutAHeaderIsClosedAndTheNextOneIsServed(CapturedOutput output) throws IOException {
		start(true);
		try (Socket socket = connect()) {
			socket.getOutputStream().write(request());
			assertThat(readAll(socket)).isEmpty();
		}
		// Netty's decoder closes the connection before the check logs it
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output)
				.contains("Closed a connection to this worker's private port from /127.0.0.1:")
				.contains("it did not start with a valid PROXY protocol header"));
		try (Socket socket = connect()) {
			assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
		}
	}

	@Test
	void silentConnectionIsClosedAfterTheTimeoutWithoutHoldingUpOthers(CapturedOutput output) throws IOException {
		Duration timeout = Duration.ofMillis(500);
		DisposableServer server = NettyProxyProtocolCustomizer
			.proxyProtocol(HttpServer.create().host("127.0.0.1").port(0), true,
					new RefusedConnections(LogFactory.getLog(getClass())), timeout)
			.handle((request, response) -> {
				InetSocketAddress remote = request.remoteAddress();
				String body = remote.getAddress().getHostAddress() + ":" + remote.getPort();
				return response.header("Content-Length", String.valueOf(body.length())).sendString(Mono.just(body));
			})
			.bindNow();
		try (Socket silent = new Socket("127.0.0.1", server.port())) {
			silent.setSoTimeout(10_000);
			long start = System.nanoTime();
			try (Socket socket = new Socket("127.0.0.1", server.port())) {
				socket.setSoTimeout(10_000);
				assertThat(exchange(socket, header())).endsWith("127.0.0.2:5555");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout);
			assertThat(readAll(silent)).isEmpty();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.minusMillis(50));
		}
		finally {
			server.disposeNow();
		}
		assertThat(output).contains("it sent no complete PROXY protocol header within 500 ms");
	}

	@Test
	void withoutAHeaderTheRequestSeesTheMaster() throws IOException {
		start(false);
		try (Socket socket = connect()) {
			assertThat(exchange(socket, new byte[0])).startsWith("HTTP/1.1 200")
				.endsWith("127.0.0.1:" + socket.getLocalPort());
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
	void headerWithoutTheCodecFailsSayingWhatToAdd() {
		ClassLoader withoutCodec = new FilteredClassLoader("io.netty.handler.codec.haproxy");
		assertThatIllegalStateException()
			.isThrownBy(() -> new NettyProxyProtocolCustomizer(true, withoutCodec)
				.customize(new NettyReactiveWebServerFactory()))
			.withMessageContaining("add io.netty:netty-codec-haproxy");
	}

	@Test
	void noHeaderNeedsNoCodec() {
		ClassLoader withoutCodec = new FilteredClassLoader("io.netty.handler.codec.haproxy");
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
		new NettyProxyProtocolCustomizer(false, withoutCodec).customize(factory);
		assertThat(factory.getServerCustomizers()).hasSize(1);
	}

	private void start(boolean proxyProtocol) {
		NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory(0);
		factory.setAddress(address("127.0.0.1"));
		new NettyProxyProtocolCustomizer(proxyProtocol).customize(factory);
		this.webServer = factory.getWebServer((request, response) -> {
			InetSocketAddress remote = request.getRemoteAddress();
			byte[] body = (remote.getAddress().getHostAddress() + ":" + remote.getPort())
				.getBytes(StandardCharsets.US_ASCII);
			DataBuffer buffer = response.bufferFactory().wrap(body);
			response.getHeaders().setContentLength(body.length);
			return response.writeWith(Mono.just(buffer));
		});
		this.webServer.start();
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

	private static String exchange(Socket socket, byte[] prefix) throws IOException {
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

}
