package io.clusterboot.it.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cluster in proxy mode shows a client: the worker sees the client's own address
 * and port, not the master's.
 */
final class ProxyModeChecks {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ProxyModeChecks() {
	}

	/**
	 * Connect from 127.0.0.2 and check that the worker sees that address and the
	 * client's port.
	 */
	static void workerSeesTheClient(ServerCluster cluster) {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), cluster.port()), 5000);
			socket.setSoTimeout(10000);
			socket.getOutputStream()
				.write("GET /client HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
					.getBytes(StandardCharsets.US_ASCII));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(response).startsWith("HTTP/1.1 200");
			String body = response.substring(response.indexOf("\r\n\r\n") + 4);
			if (response.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
				body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf('}') + 1);
			}
			JsonNode seen = JSON.readTree(body);
			assertThat(seen.get("remoteAddr").asString()).isEqualTo("127.0.0.2");
			assertThat(seen.get("remotePort").asInt()).isEqualTo(socket.getLocalPort());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
