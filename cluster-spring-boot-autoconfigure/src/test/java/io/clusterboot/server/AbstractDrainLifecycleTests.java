package io.clusterboot.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract of {@link DrainLifecycle} on one real web server, over raw HTTP/1.1
 * connections and, where the server also speaks h2c ({@link #http2()}), raw HTTP/2
 * connections. The server answers "ok", or "slow" for {@code /slow} once released, and
 * accepts a WebSocket handshake at {@code /ws}, whose session sends "open" and then stays
 * open.
 */
@ExtendWith(OutputCaptureExtension.class)
public abstract class AbstractDrainLifecycleTests {

	protected static final Duration LONG = Duration.ofSeconds(10);

	protected final CountDownLatch slowRequestStarted = new CountDownLatch(1);

	protected final CountDownLatch slowRequestRelease = new CountDownLatch(1);

	private final List<RawHttpClient> clients = new ArrayList<>();

	private final List<RawH2cClient> http2Clients = new ArrayList<>();

	private int port;

	/**
	 * Start the web server, with the endpoints this class describes.
	 * @param http2 whether it also speaks HTTP/2 over cleartext (h2c)
	 * @return its port
	 */
	protected abstract int startServer(boolean http2) throws Exception;

	/**
	 * Whether the server also speaks h2c: the HTTP/1.1 tests then run against a server
	 * whose connections may upgrade, and the HTTP/2 tests run too.
	 * @return whether to enable h2c
	 */
	protected boolean http2() {
		return false;
	}

	/**
	 * Whether the response to a request that was in progress when the drain started says
	 * {@code Connection: close}, as every response sent during the drain should. A server
	 * that decides when a request starts whether its connection stays open answers
	 * without it; the drain then closes the connection once it is idle.
	 * @return whether the server tells a request in progress that the connection closes
	 */
	protected boolean answersARequestInProgressWithConnectionClose() {
		return true;
	}

	protected abstract void stopServer() throws Exception;

	protected abstract DrainLifecycle drain(Duration timeout, Duration idleTimeout);

	/**
	 * The number of connections the server holds open.
	 */
	protected abstract int openConnections();

	@BeforeEach
	void start() throws Exception {
		this.port = startServer(http2());
	}

	@AfterEach
	void stop() throws Exception {
		this.slowRequestRelease.countDown();
		for (RawHttpClient client : this.clients) {
			client.close();
		}
		for (RawH2cClient client : this.http2Clients) {
			client.close();
		}
		stopServer();
	}

	@Test
	void closesTheListeningSocketAndAnswersOpenConnectionsWithConnectionClose(CapturedOutput output)
			throws Exception {
		RawHttpClient client = connect();
		assertThat(client.get("/").header("connection")).isNull();
		DrainLifecycle drain = drain(LONG, LONG);
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		await().atMost(LONG).untilAsserted(() -> assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> new Socket("127.0.0.1", this.port).close()));
		RawHttpClient.Response response = client.get("/");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("ok");
		assertThat(response.header("connection")).isEqualTo("close");
		assertThat(client.closedByServer()).isTrue();
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(drain.isRunning()).isFalse();
		assertThat(output).contains("Draining: listening socket closed; 1 open connection(s)")
			.contains("Drained in");
	}

	@Test
	void answersAWebSocketHandshakeOnAnOpenConnectionWithASingleConnectionHeader() throws Exception {
		RawHttpClient upgrading = connect();
		RawHttpClient other = connect();
		upgrading.get("/");
		other.get("/");
		ServerConnections connections = drain(LONG, LONG).findConnections();
		assertThat(connections).isNotNull();
		connections.closeListeners();
		RawHttpClient.Response handshake = upgrading.webSocketHandshake("/ws");
		assertThat(handshake.status()).isEqualTo(101);
		// Java's and OkHttp's WebSocket clients refuse any other Connection header
		assertThat(handshake.headerValues("connection")).singleElement()
			.satisfies((value) -> assertThat(value).isEqualToIgnoringCase("Upgrade"));
		assertThat(handshake.headerValues("upgrade")).singleElement()
			.satisfies((value) -> assertThat(value).isEqualToIgnoringCase("websocket"));
		assertThat(upgrading.readTextFrame()).isEqualTo("open");
		RawHttpClient.Response response = other.get("/");
		assertThat(response.body()).isEqualTo("ok");
		assertThat(response.header("connection")).isEqualTo("close");
		assertThat(other.closedByServer()).isTrue();
	}

	@Test
	void closesAConnectionOnlyOnceItWasIdleForTheIdleTimeout() throws Exception {
		RawHttpClient client = connect();
		client.get("/");
		long answered = System.nanoTime();
		// Let the server finish the exchange the client has read (Jetty completes it after)
		Thread.sleep(200);
		assertThat(drain(LONG, Duration.ofMillis(400)).drain()).isTrue();
		assertThat(client.closedByServer()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - answered)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void closesAConnectionThatNeverSentARequestOnceIdle() throws Exception {
		RawHttpClient client = connect();
		assertThat(drain(LONG, Duration.ofMillis(100)).drain()).isTrue();
		assertThat(client.closedByServer()).isTrue();
	}

	@Test
	void waitsForARequestInProgressAndLetsItFinish() throws Exception {
		RawHttpClient client = connect();
		client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		DrainLifecycle drain = drain(LONG, Duration.ofMillis(100));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		assertThat(stopped.await(1500, TimeUnit.MILLISECONDS)).isFalse();
		this.slowRequestRelease.countDown();
		RawHttpClient.Response response = client.read();
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("slow");
		if (answersARequestInProgressWithConnectionClose()) {
			assertThat(response.header("connection")).isEqualTo("close");
		}
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(client.closedByServer()).isTrue();
	}

	@Test
	void givesUpAfterTheTimeoutWhenAConnectionStaysBusy() throws Exception {
		RawHttpClient client = connect();
		client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		assertThat(drain(Duration.ofMillis(300), Duration.ofMillis(100)).drain()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), LONG);
		assertThat(openConnections()).isOne();
	}

	@Test
	void tellsLongLivedConnectionsToGoOnceTheListeningSocketIsClosed(CapturedOutput output) throws Exception {
		DrainLifecycle drain = drain(LONG, Duration.ofMillis(100));
		// Jetty's acceptor thread, blocked in accept(), lets go of the socket right after
		RecordingLongLivedConnections longLived = new RecordingLongLivedConnections(
				() -> isListenerClosedWithin(Duration.ofMillis(500)));
		drain.setLongLivedConnections(List.of(longLived));
		assertThat(drain.drain()).isTrue();
		assertThat(longLived.wasToldAfterListenerClosed()).isTrue();
		assertThat(output).contains("Draining: 1 test stream(s) ended");
	}

	@Test
	void sendsGoAwayOnHttp2ConnectionsAndClosesEachOnceItsStreamsAreDone(CapturedOutput output) throws Exception {
		assumeTrue(http2(), "h2c is not enabled");
		RawH2cClient client = connectHttp2();
		assertThat(client.get("/", LONG)).isEqualTo("ok");
		int slow = client.send("/slow");
		assertThat(this.slowRequestStarted.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		DrainLifecycle drain = drain(LONG, Duration.ofMillis(300));
		drain.start();
		CountDownLatch stopped = new CountDownLatch(1);
		drain.stop(stopped::countDown);
		assertThat(client.awaitGoAway(Duration.ofSeconds(2))).isGreaterThanOrEqualTo(slow);
		// Longer than the idle timeout, during which the stream in progress does no I/O
		assertThat(stopped.await(800, TimeUnit.MILLISECONDS)).isFalse();
		assertThat(openConnections()).isOne();
		long released = System.nanoTime();
		this.slowRequestRelease.countDown();
		assertThat(client.body(slow, LONG)).isEqualTo("slow");
		assertThat(client.awaitClosed(LONG)).isTrue();
		assertThat(stopped.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(LONG.dividedBy(2));
		assertThat(output).contains("Drained in");
	}

	@Test
	void sendsGoAwayOnAnIdleHttp2ConnectionAndClosesIt() throws Exception {
		assumeTrue(http2(), "h2c is not enabled");
		RawH2cClient client = connectHttp2();
		assertThat(client.get("/", LONG)).isEqualTo("ok");
		long start = System.nanoTime();
		assertThat(drain(LONG, Duration.ofMillis(300)).drain()).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG.dividedBy(2));
		assertThat(client.awaitClosed(LONG)).isTrue();
		assertThat(client.awaitGoAway(Duration.ZERO)).isGreaterThanOrEqualTo(1);
	}

	@Test
	void stopsJustBeforeSpringBootsGracefulShutdown() {
		assertThat(drain(LONG, LONG).getPhase()).isEqualTo(Integer.MAX_VALUE - 1024 + 512);
	}

	private boolean isListenerClosedWithin(Duration time) {
		long deadline = System.nanoTime() + time.toNanos();
		while (System.nanoTime() - deadline < 0) {
			try {
				new Socket("127.0.0.1", this.port).close();
				Thread.sleep(10);
			}
			catch (IOException ex) {
				return true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private RawH2cClient connectHttp2() throws IOException {
		RawH2cClient client = new RawH2cClient(this.port);
		this.http2Clients.add(client);
		await().atMost(LONG).until(() -> openConnections() == this.clients.size() + this.http2Clients.size());
		return client;
	}

	/**
	 * Open an HTTP/1.1 connection, closed after the test, and wait until the server holds it.
	 * @return the connection
	 */
	protected RawHttpClient connect() throws IOException {
		RawHttpClient client = new RawHttpClient(this.port, LONG);
		this.clients.add(client);
		await().atMost(LONG).until(() -> openConnections() == this.clients.size());
		return client;
	}

}
