package io.clusterboot.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Proxy mode ({@code cluster.port-sharing=proxy}): the master owns the public port and
 * hands each connection to a worker's private loopback port in turn, with a PROXY protocol
 * header that gives the worker the client's address. One cluster for the class; the tests
 * run in order on it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyModeIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ClusterProcess cluster;

	@BeforeAll
	void start() {
		this.cluster = ClusterProcess
			.start("--cluster.port-sharing=proxy", "--management.endpoint.cluster.access=unrestricted")
			.awaitReady();
	}

	@AfterAll
	void close() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void theMasterHandsConnectionsToBothWorkersInTurnFromItsOwnPort() throws IOException {
		assertThat(this.cluster.awaitOutput("Forked 2 workers behind the master's proxy on port (\\d+)").group(1))
			.isEqualTo(Integer.toString(this.cluster.port()));
		Map<Integer, Long> answering = this.cluster.answeringWorkers(4);
		assertThat(answering).containsOnlyKeys(1, 2);
		JsonNode client = request(InetAddress.getLoopbackAddress(), this.cluster.port(), "/client");
		assertThat(client.get("localAddr").asString()).isEqualTo("127.0.0.1");
		assertThat(client.get("localPort").asInt()).isNotEqualTo(this.cluster.port());
		// The public port is the master's own: nothing else can bind it
		assertThat(ClusterProcess.freePortIsBindable(this.cluster.port())).isFalse();
	}

	@Test
	@Order(2)
	void theWorkerSeesTheClientsAddressAndPort() throws IOException {
		InetAddress client = InetAddress.getByName("127.0.0.2");
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(client, 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.cluster.port()), 5000);
			socket.setSoTimeout(10000);
			JsonNode seen = exchange(socket, "/client");
			assertThat(seen.get("remoteAddr").asString()).isEqualTo("127.0.0.2");
			assertThat(seen.get("remotePort").asInt()).isEqualTo(socket.getLocalPort());
		}
	}

	@Test
	@Order(3)
	void aWorkersPrivatePortTakesOnlyTheMastersConnections() throws IOException {
		int privatePort = request(InetAddress.getLoopbackAddress(), this.cluster.port(), "/client").get("localPort")
			.asInt();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), privatePort), 5000);
			socket.setSoTimeout(10000);
			String answer;
			try {
				socket.getOutputStream()
					.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
			}
			catch (SocketException ex) {
				answer = "";
			}
			assertThat(answer).doesNotContain("HTTP/1.1 200");
		}
		assertThat(this.cluster.answeringWorkers(2)).isNotEmpty();
	}

	@Test
	@Order(4)
	void theEndpointShowsTheModeAndEachWorkersConnections() {
		for (int i = 0; i < 10; i++) {
			this.cluster.requestOnNewConnection("GET", "/");
		}
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode cluster = this.cluster.http("GET", "/actuator/cluster", null).json();
			assertThat(cluster.get("portSharing").asString()).isEqualTo("proxy");
			assertThat(cluster.get("workers")).hasSize(2)
				.allSatisfy((worker) -> assertThat(worker.get("connectionsHandedOver").asLong()).isPositive())
				.allSatisfy((worker) -> assertThat(worker.has("openConnections")).isTrue());
		});
	}

	@Test
	@Order(5)
	void aKilledWorkerIsReplacedAndTheOtherTakesTheConnectionsMeanwhile() {
		long killed = this.cluster.workerPid(1);
		ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
		this.cluster.awaitOutput("type=exited worker=1 pid=" + killed + " ");
		// Once the master knows, until the replacement is ready, worker 2 takes every connection
		for (int i = 0; i < 20; i++) {
			assertThat(this.cluster.requestOnNewConnection("GET", "/").get("pid").asLong()).isNotEqualTo(killed);
		}
		long replacement = this.cluster.awaitNewWorker(1, killed);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.cluster.answeringWorkers(6)).containsEntry(1, replacement));
	}

	@Test
	@Order(6)
	void aStoppedClusterReleasesThePort() {
		this.cluster.master().destroy();
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		assertThat(ClusterProcess.freePortIsBindable(this.cluster.port())).isTrue();
	}

	private static JsonNode request(InetAddress from, int port, String path) throws IOException {
		try (Socket socket = new Socket()) {
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
			socket.setSoTimeout(10000);
			return exchange(socket, path);
		}
	}

	private static JsonNode exchange(Socket socket, String path) throws IOException {
		socket.getOutputStream()
			.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
		InputStream input = socket.getInputStream();
		String response = new String(input.readAllBytes(), StandardCharsets.UTF_8);
		assertThat(response).startsWith("HTTP/1.1 200");
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		if (response.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
			body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("}") + 1);
		}
		return JSON.readTree(body);
	}

}
