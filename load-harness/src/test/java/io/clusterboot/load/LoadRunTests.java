package io.clusterboot.load;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link LoadRun} against real servers on the loopback interface.
 */
class LoadRunTests {

	private final List<HttpServer> httpServers = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<LoadRun> runs = new ArrayList<>();

	@AfterEach
	void cleanUp() throws Exception {
		this.runs.forEach(LoadRun::stop);
		this.httpServers.forEach((server) -> server.stop(0));
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void countsSuccessfulResponsesOnPersistentConnections() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "{\"pid\":42}"));
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(4).maxRequests(400));
		assertThat(report.isComplete()).isTrue();
		assertThat(report.requests()).isEqualTo(400);
		assertThat(report.successes()).isEqualTo(400);
		assertThat(report.statuses()).containsExactly(Map.entry(200, 400L));
		assertThat(report.non2xx()).isZero();
		assertThat(report.failures()).isZero();
		assertThat(report.abandoned()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(4);
		assertThat(report.throughput()).isPositive();
		LatencySummary latency = report.latency();
		assertThat(latency.count()).isEqualTo(400);
		assertThat(latency.p50()).isPositive();
		assertThat(latency.p50()).isLessThanOrEqualTo(latency.p90());
		assertThat(latency.p90()).isLessThanOrEqualTo(latency.p99());
		assertThat(latency.p99()).isLessThanOrEqualTo(latency.p999());
		assertThat(latency.p999()).isLessThanOrEqualTo(latency.max());
	}

	@Test
	void newConnectionModeOpensOneConnectionPerRequestAndAsksToClose() throws Exception {
		List<String> connectionHeaders = new CopyOnWriteArrayList<>();
		URI uri = httpServer((exchange) -> {
			connectionHeaders.add(String.valueOf(exchange.getRequestHeaders().getFirst("Connection")));
			respond(exchange, 200, "ok");
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).mode(LoadMode.NEW_CONNECTION).connections(2).maxRequests(50));
		assertThat(report.successes()).isEqualTo(50);
		assertThat(report.failures()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(50);
		assertThat(connectionHeaders).hasSize(50).containsOnly("close");
	}

	@Test
	void countsNon2xxResponsesByStatus() throws Exception {
		AtomicInteger count = new AtomicInteger();
		URI uri = httpServer((exchange) -> respond(exchange, (count.incrementAndGet() % 2 == 0) ? 500 : 503, "no"));
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(20));
		assertThat(report.requests()).isEqualTo(20);
		assertThat(report.non2xx()).isEqualTo(20);
		assertThat(report.statuses()).containsExactly(Map.entry(500, 10L), Map.entry(503, 10L));
		assertThat(report.status(500)).isEqualTo(10);
		assertThat(report.successes()).isZero();
		assertThat(report.failures()).isZero();
		assertThat(report.latency().count()).isZero();
	}

	@Test
	void serverClosingMidBodyIsIncompleteResponse() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(5));
		assertThat(report.failures(FailureKind.INCOMPLETE_RESPONSE)).isEqualTo(5);
		assertThat(report.failures()).isEqualTo(5);
		assertThat(report.successes()).isZero();
	}

	@Test
	void serverResettingMidBodyIsIncompleteResponse() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
			connection.reset();
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(5));
		assertThat(report.failures(FailureKind.INCOMPLETE_RESPONSE)).isEqualTo(5);
		assertThat(report.failures()).isEqualTo(5);
	}

	@Test
	void serverResettingBeforeResponseIsReset() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.reset();
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(5));
		assertThat(report.failures(FailureKind.RESET)).isEqualTo(5);
		assertThat(report.failures()).isEqualTo(5);
	}

	@Test
	void serverClosingBeforeResponseOnFreshConnectionIsClosedBeforeResponse() throws Exception {
		URI uri = rawServer((connection) -> connection.readRequest());
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(5));
		assertThat(report.failuresOnFreshConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isEqualTo(5);
		assertThat(report.failuresOnReusedConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isZero();
		assertThat(report.failures()).isEqualTo(5);
	}

	@Test
	void serverClosingBeforeResponseOnReusedConnectionIsClosedBeforeResponseOnReusedConnection() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
			connection.readRequest();
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(6));
		assertThat(report.successes()).isEqualTo(3);
		assertThat(report.failuresOnReusedConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isEqualTo(3);
		assertThat(report.failuresOnFreshConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isZero();
		assertThat(report.failures()).isEqualTo(3);
		assertThat(report.connectionsOpened()).isEqualTo(3);
	}

	@Test
	void closedPortIsConnectRefused() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		URI uri = URI.create("http://127.0.0.1:" + port + "/");
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(3));
		assertThat(report.failures(FailureKind.CONNECT_REFUSED)).isEqualTo(3);
		assertThat(report.failures()).isEqualTo(3);
		assertThat(report.connectionsOpened()).isZero();
	}

	@Test
	void fullListenBacklogIsConnectTimeout() throws Exception {
		ServerSocket neverAccepting = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
		this.closeables.add(neverAccepting);
		boolean full = false;
		for (int i = 0; i < 10 && !full; i++) {
			Socket socket = new Socket();
			this.closeables.add(socket);
			try {
				socket.connect(neverAccepting.getLocalSocketAddress(), 200);
			}
			catch (SocketTimeoutException ex) {
				full = true;
			}
		}
		assumeTrue(full, "This kernel does not drop connection attempts when the backlog is full");
		URI uri = URI.create("http://127.0.0.1:" + neverAccepting.getLocalPort() + "/");
		LoadReport report = runToEnd(
				LoadRun.builder(uri).connections(1).maxRequests(2).connectTimeout(Duration.ofMillis(200)));
		assertThat(report.failures(FailureKind.CONNECT_TIMEOUT)).isEqualTo(2);
		assertThat(report.failures()).isEqualTo(2);
	}

	@Test
	void connectionCloseResponsesMakeKeepAliveReconnectWithoutFailures() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(2).maxRequests(40));
		assertThat(report.successes()).isEqualTo(40);
		assertThat(report.failures()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(40);
	}

	@Test
	void cleanCloseAfterCompleteResponseMakesKeepAliveReconnectWithoutFailures() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		});
		// Without a pause the next request may race the server's FIN and fail, as it would
		// for any client; the pause lets the FIN arrive first
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(10).pause(Duration.ofMillis(20)));
		assertThat(report.successes()).isEqualTo(10);
		assertThat(report.failures()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(10);
	}

	@Test
	void readsChunkedBodiesOfHttpServer() throws Exception {
		URI uri = httpServer((exchange) -> {
			exchange.sendResponseHeaders(200, 0);
			try (OutputStream body = exchange.getResponseBody()) {
				body.write("{\"worker\":1,".getBytes(StandardCharsets.UTF_8));
				body.flush();
				body.write("\"pid\":77}".getBytes(StandardCharsets.UTF_8));
			}
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(20));
		assertThat(report.successes()).isEqualTo(20);
		assertThat(report.failures()).isZero();
		assertThat(report.pids()).containsExactly(Map.entry(77L, 20L));
		assertThat(report.connectionsOpened()).isEqualTo(1);
	}

	@Test
	void readsChunkedBodiesWithExtensionsAndTrailers() throws Exception {
		URI uri = rawServer((connection) -> {
			while (connection.readRequest() != null) {
				connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
						+ "4;name=value\r\n{\"pi\r\n" + "A\r\nd\": 12345}\r\n" + "0\r\nX-Trailer: yes\r\n\r\n");
			}
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(5));
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.pids()).containsExactly(Map.entry(12345L, 5L));
		assertThat(report.connectionsOpened()).isEqualTo(1);
	}

	@Test
	void serverThatNeverAnswersIsReadTimeout() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.readRequest();
		});
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(2).readTimeout(Duration.ofMillis(200)));
		assertThat(report.failures(FailureKind.READ_TIMEOUT)).isEqualTo(2);
		assertThat(report.failures()).isEqualTo(2);
		assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void talliesResponsesByPid() throws Exception {
		AtomicInteger count = new AtomicInteger();
		URI uri = httpServer((exchange) -> respond(exchange, 200, "{\"pid\":" + (100 + count.incrementAndGet() % 3) + "}"));
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(3).maxRequests(300));
		assertThat(report.pids()).containsExactly(Map.entry(100L, 100L), Map.entry(101L, 100L), Map.entry(102L, 100L));
	}

	@Test
	void durationEndsTheRun() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "ok"));
		LoadRun run = LoadRun.builder(uri).connections(2).duration(Duration.ofMillis(300)).start();
		this.runs.add(run);
		LoadReport report = run.await();
		assertThat(report.isComplete()).isTrue();
		assertThat(report.successes()).isPositive();
		assertThat(report.failures()).isZero();
		assertThat(report.elapsed()).isBetween(Duration.ofMillis(300), Duration.ofSeconds(5));
		assertNoLoadThreadsAlive();
	}

	@Test
	void maxRequestsEndsTheRunExactlyAcrossConnections() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "ok"));
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(8).maxRequests(1000).duration(Duration.ofMinutes(1)));
		assertThat(report.requests()).isEqualTo(1000);
		assertThat(report.successes()).isEqualTo(1000);
		assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(30));
	}

	@Test
	void stopEndsTheRunEarlyAndLeavesNothingRunning() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "ok"));
		LoadRun run = LoadRun.builder(uri).connections(4).duration(Duration.ofMinutes(1)).start();
		this.runs.add(run);
		await().atMost(Duration.ofSeconds(10)).until(() -> run.snapshot().successes() >= 100);
		assertThat(run.snapshot().isComplete()).isFalse();
		assertThat(run.isFinished()).isFalse();
		LoadReport report = run.stop();
		assertThat(report.isComplete()).isTrue();
		assertThat(report.successes()).isGreaterThanOrEqualTo(100);
		assertThat(report.failures()).isZero();
		assertThat(report.abandoned()).isZero();
		assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(30));
		assertThat(run.isFinished()).isTrue();
		assertThat(run.snapshot()).isSameAs(report);
		assertThat(run.stop()).isSameAs(report);
		assertNoLoadThreadsAlive();
	}

	@Test
	void stopCutsOffRequestsThatOutliveTheirTimeoutsAsAbandoned() throws Exception {
		URI uri = rawServer((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
			for (int i = 0; i < 1000; i++) {
				sleep(50);
				connection.write("x");
			}
		});
		LoadRun run = LoadRun.builder(uri)
			.connections(1)
			.maxRequests(1)
			.connectTimeout(Duration.ofMillis(100))
			.readTimeout(Duration.ofMillis(200))
			.start();
		this.runs.add(run);
		sleep(100);
		LoadReport report = run.stop();
		assertThat(report.abandoned()).isOne();
		assertThat(report.failures()).isZero();
		assertThat(report.requests()).isZero();
		assertNoLoadThreadsAlive();
	}

	@Test
	void pauseSpacesRequests() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "ok"));
		LoadReport report = runToEnd(LoadRun.builder(uri).connections(1).maxRequests(6).pause(Duration.ofMillis(50)));
		assertThat(report.successes()).isEqualTo(6);
		assertThat(report.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(250));
	}

	@Test
	void sendsExtraHeaders() throws Exception {
		List<String> values = new CopyOnWriteArrayList<>();
		URI uri = httpServer((exchange) -> {
			values.add(exchange.getRequestHeaders().getFirst("X-Test"));
			respond(exchange, 200, "ok");
		});
		runToEnd(LoadRun.builder(uri).connections(1).maxRequests(3).header("X-Test", "yes"));
		assertThat(values).containsExactly("yes", "yes", "yes");
	}

	@Test
	void runWithoutBoundIsRefused() throws Exception {
		URI uri = httpServer((exchange) -> respond(exchange, 200, "ok"));
		assertThatIllegalStateException().isThrownBy(() -> LoadRun.builder(uri).start())
			.withMessageContaining("duration");
	}

	private LoadReport runToEnd(LoadRun.Builder builder) throws InterruptedException {
		LoadRun run = builder.start();
		this.runs.add(run);
		return run.await();
	}

	private URI httpServer(HttpHandler handler) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
		server.createContext("/", handler);
		server.start();
		this.httpServers.add(server);
		return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
	}

	private URI rawServer(RawHttpServer.Script script) throws IOException {
		RawHttpServer server = RawHttpServer.start(script);
		this.closeables.add(server);
		return server.uri();
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getRequestBody().readAllBytes();
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream output = exchange.getResponseBody()) {
			output.write(bytes);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void assertNoLoadThreadsAlive() {
		assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.getName().startsWith("load-harness-"));
	}

}
