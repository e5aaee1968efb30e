package io.clusterboot.server.proxy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ConnectionProxy}, with real sockets on the loopback interface.
 */
@Timeout(20)
class ConnectionProxyTests {

	private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

	private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

	private final List<Closeable> closeables = new ArrayList<>();

	private @Nullable ConnectionProxy proxy;

	@AfterEach
	void closeEverything() throws IOException {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void newConnectionsGoRoundRobinOverTheRoutedWorkers() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub a = worker("a");
		WorkerStub b = worker("b");
		WorkerStub c = worker("c");
		proxy.route(1, a.address());
		proxy.route(2, b.address());
		proxy.route(3, c.address());
		List<String> served = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			try (Socket client = connect()) {
				served.add(readLine(client));
			}
		}
		assertThat(served.subList(0, 6)).containsExactly("a", "b", "c", "a", "b", "c");
		assertThat(served).filteredOn("a"::equals).hasSize(10);
		assertThat(served).filteredOn("b"::equals).hasSize(10);
		assertThat(served).filteredOn("c"::equals).hasSize(10);
		await().untilAsserted(() -> assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(0, 10)),
				Map.entry(2L, new ProxyStats(0, 10)), Map.entry(3L, new ProxyStats(0, 10))));
	}

	@Test
	void theHeaderNamesTheClientsAddressAndPortAndTheBytesFollowIt() throws Exception {
		ConnectionProxy proxy = open(true);
		WorkerStub worker = worker("a");
		proxy.route(1, worker.address());
		Socket client = connect("127.0.0.2");
		assertThat(readLine(client)).isEqualTo("a");
		assertThat(worker.sources.poll(5, TimeUnit.SECONDS))
			.isEqualTo(new InetSocketAddress("127.0.0.2", client.getLocalPort()));
		assertEchoes(client);
	}

	@Test
	void aProxyOnTheWildcardAddressServesTheLoopbackInterface() throws Exception {
		ConnectionProxy proxy = track(ConnectionProxy.open("wildcard", null, 0, 50, true));
		this.proxy = proxy;
		WorkerStub worker = worker("a");
		proxy.route(1, worker.address());
		Socket client = connect("127.0.0.2");
		assertThat(readLine(client)).isEqualTo("a");
		assertThat(worker.sources.poll(5, TimeUnit.SECONDS))
			.isEqualTo(new InetSocketAddress("127.0.0.2", client.getLocalPort()));
	}

	@Test
	void routingChangesFromOtherThreadsWhileConnectionsArriveLoseNoConnection() throws Exception {
		ConnectionProxy proxy = open(true);
		WorkerStub steady = worker("steady");
		WorkerStub flapping = worker("flapping");
		proxy.route(1, steady.address());
		AtomicBoolean done = new AtomicBoolean();
		Thread flapper = new Thread(() -> {
			while (!done.get()) {
				proxy.route(2, flapping.address());
				Thread.yield();
				proxy.stopRouting(2);
			}
		});
		flapper.start();
		int servedBySteady = 0;
		try {
			for (int i = 0; i < 200; i++) {
				try (Socket client = connect()) {
					String id = readLine(client);
					assertThat(id).isIn("steady", "flapping");
					servedBySteady += "steady".equals(id) ? 1 : 0;
					assertEchoes(client);
				}
			}
		}
		finally {
			done.set(true);
			flapper.join();
		}
		int expected = servedBySteady;
		await().untilAsserted(
				() -> assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(0, expected))));
	}

	@Test
	void withoutTheHeaderTheWorkerReceivesExactlyTheClientsBytes() throws IOException {
		ConnectionProxy proxy = open(false);
		WorkerStub worker = track(WorkerStub.start("raw", false, WorkerStub::idThenEcho));
		proxy.route(1, worker.address());
		Socket client = connect();
		assertThat(readLine(client)).isEqualTo("raw");
		byte[] everyByte = new byte[256];
		for (int i = 0; i < everyByte.length; i++) {
			everyByte[i] = (byte) i;
		}
		client.getOutputStream().write(everyByte);
		assertThat(client.getInputStream().readNBytes(everyByte.length)).isEqualTo(everyByte);
		client.shutdownOutput();
		assertThat(client.getInputStream().read()).isEqualTo(-1);
	}

	@Test
	void aWorkerNoLongerRoutedGetsNoNewConnectionsButKeepsItsOpenOnes() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub a = worker("a");
		WorkerStub b = worker("b");
		proxy.route(1, a.address());
		proxy.route(2, b.address());
		Socket onA = connect();
		assertThat(readLine(onA)).isEqualTo("a");
		proxy.stopRouting(1);
		for (int i = 0; i < 4; i++) {
			try (Socket client = connect()) {
				assertThat(readLine(client)).isEqualTo("b");
			}
		}
		assertEchoes(onA);
		assertThat(proxy.stats()).containsEntry(1L, new ProxyStats(1, 1));
		onA.close();
		await().untilAsserted(() -> assertThat(proxy.stats()).doesNotContainKey(1L).containsKey(2L));
	}

	@Test
	void withNoWorkerRoutedAConnectionWaitsInTheBacklogUntilOneIs() throws IOException {
		ConnectionProxy proxy = open(true);
		Socket client = connect();
		client.getOutputStream().write(HELLO);
		await().during(Duration.ofMillis(300)).until(() -> client.getInputStream().available() == 0);
		assertThat(proxy.stats()).isEmpty();
		WorkerStub worker = worker("late");
		proxy.route(1, worker.address());
		assertThat(readLine(client)).isEqualTo("late");
		assertThat(readLine(client)).isEqualTo("hello");
		assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(1, 1)));
	}

	@Test
	void aWorkerThatRefusesConnectionsIsSkipped() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub live = worker("live");
		proxy.route(1, deadAddress());
		proxy.route(2, live.address());
		for (int i = 0; i < 4; i++) {
			try (Socket client = connect()) {
				assertThat(readLine(client)).isEqualTo("live");
			}
		}
		await().untilAsserted(() -> assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(0, 0)),
				Map.entry(2L, new ProxyStats(0, 4))));
	}

	@Test
	void aConnectionNoRoutedWorkerAcceptsIsClosedNotHeld() throws IOException {
		ConnectionProxy proxy = open(true);
		proxy.route(1, deadAddress());
		proxy.route(2, deadAddress());
		Socket refused = connect();
		assertEnded(refused);
		WorkerStub live = worker("live");
		proxy.route(3, live.address());
		proxy.stopRouting(1);
		proxy.stopRouting(2);
		Socket served = connect();
		assertThat(readLine(served)).isEqualTo("live");
		assertEchoes(served);
	}

	@Test
	void aWorkerThatDoesNotAnswerItsConnectTimesOutAndTheConnectionGoesToTheNext() throws IOException {
		ConnectionProxy proxy = track(ConnectionProxy.open("timeout", LOOPBACK, 0, 50, true, Duration.ofMillis(300)));
		this.proxy = proxy;
		// A listening socket that never accepts, with its accept queue full: Linux drops
		// further connection requests, so a connect to it hangs
		ServerSocket full = track(new ServerSocket(0, 1, LOOPBACK));
		List<Socket> queued = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Socket socket = new Socket();
			try {
				socket.connect(full.getLocalSocketAddress(), 200);
				queued.add(track(socket));
			}
			catch (IOException ex) {
				socket.close();
				break;
			}
		}
		WorkerStub live = worker("live");
		proxy.route(1, (InetSocketAddress) full.getLocalSocketAddress());
		proxy.route(2, live.address());
		long start = System.nanoTime();
		try (Socket client = connect()) {
			assertThat(readLine(client)).isEqualTo("live");
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
		assertThat(queued).isNotEmpty();
		await().untilAsserted(() -> assertThat(proxy.stats()).containsEntry(1L, new ProxyStats(0, 0)));
	}

	@Test
	void fiftyMegabytesEachWayArriveIntactThroughASlowReaderWithBoundedBuffers() throws Exception {
		int size = 50 * 1024 * 1024;
		ConnectionProxy proxy = open(true);
		CompletableFuture<Long> workerReceived = new CompletableFuture<>();
		CompletableFuture<Long> workerSent = new CompletableFuture<>();
		WorkerStub worker = track(WorkerStub.start("bulk", true, (stub, socket) -> {
			CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
				try {
					workerSent.complete(send(socket, size, 2));
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					workerSent.completeExceptionally(ex);
				}
			});
			workerReceived.complete(receive(socket.getInputStream(), 0));
			sending.join();
		}));
		proxy.route(1, worker.address());
		AtomicLong maxBuffered = new AtomicLong();
		AtomicBoolean done = new AtomicBoolean();
		Thread sampler = new Thread(() -> {
			while (!done.get()) {
				maxBuffered.accumulateAndGet(proxy.bufferedBytes(), Math::max);
				Thread.onSpinWait();
			}
		});
		sampler.start();
		try (Socket client = connect()) {
			client.setSoTimeout(15000);
			CompletableFuture<Long> clientSent = CompletableFuture.supplyAsync(() -> {
				try {
					long crc = send(client, size, 1);
					client.shutdownOutput();
					return crc;
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			// Not reading at first: the worker's bytes back up to the proxy, which must
			// stop reading from the worker rather than buffer them
			Thread.sleep(500);
			long clientReceived = receive(client.getInputStream(), 1);
			assertThat(clientReceived).isEqualTo(workerSent.get(10, TimeUnit.SECONDS));
			assertThat(workerReceived.get(10, TimeUnit.SECONDS)).isEqualTo(clientSent.get(10, TimeUnit.SECONDS));
		}
		finally {
			done.set(true);
			sampler.join();
		}
		assertThat(maxBuffered.get()).isBetween((long) ConnectionProxy.BUFFER_SIZE,
				2L * ConnectionProxy.BUFFER_SIZE);
		assertThat(worker.failures).isEmpty();
		await().untilAsserted(() -> assertThat(proxy.bufferedBytes()).isZero());
	}

	@Test
	void concurrentConnectionsEachGetTheirOwnBytesBack() throws Exception {
		ConnectionProxy proxy = open(true);
		proxy.route(1, worker("a").address());
		proxy.route(2, worker("b").address());
		int clients = 32;
		ExecutorService executor = Executors.newFixedThreadPool(2 * clients);
		try {
			List<CompletableFuture<Void>> exchanges = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				long seed = i;
				exchanges.add(CompletableFuture.runAsync(() -> {
					try (Socket client = connect()) {
						readLine(client);
						Future<Long> sent = executor.submit(() -> {
							long crc = send(client, 256 * 1024, seed);
							client.shutdownOutput();
							return crc;
						});
						long received = receive(client.getInputStream(), 0);
						assertThat(received).isEqualTo(sent.get());
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				}, executor));
			}
			assertThat(CompletableFuture.allOf(exchanges.toArray(CompletableFuture[]::new)))
				.succeedsWithin(Duration.ofSeconds(15));
		}
		finally {
			executor.shutdownNow();
		}
		await().untilAsserted(() -> assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(0, 16)),
				Map.entry(2L, new ProxyStats(0, 16))));
		assertThat(proxy.bufferedBytes()).isZero();
	}

	@Test
	void aClientThatHalfClosesStillGetsTheWorkersReply() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub worker = track(WorkerStub.start("half", true, (stub, socket) -> {
			byte[] request = socket.getInputStream().readAllBytes();
			socket.getOutputStream().write(("got " + request.length + " bytes\n").getBytes(StandardCharsets.US_ASCII));
		}));
		proxy.route(1, worker.address());
		Socket client = connect();
		client.getOutputStream().write(new byte[100_000]);
		client.shutdownOutput();
		assertThat(readLine(client)).isEqualTo("got 100000 bytes");
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		await().untilAsserted(() -> assertThat(proxy.stats()).containsExactly(Map.entry(1L, new ProxyStats(0, 1))));
	}

	@Test
	void aWorkerThatHalfClosesStillGetsTheClientsBytes() throws IOException {
		ConnectionProxy proxy = open(true);
		CompletableFuture<String> received = new CompletableFuture<>();
		WorkerStub worker = track(WorkerStub.start("speaks-first", true, (stub, socket) -> {
			socket.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
			socket.shutdownOutput();
			received.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
		}));
		proxy.route(1, worker.address());
		Socket client = connect();
		assertThat(readLine(client)).isEqualTo("bye");
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		client.getOutputStream().write(HELLO);
		client.shutdownOutput();
		assertThat(received).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("hello\n");
	}

	@Test
	void statsCountOpenAndHandedOverConnectionsAndForgetAWorkerOnceItIsNotRoutedAndHasNone() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub worker = worker("a");
		proxy.route(7, deadAddress());
		proxy.route(7, worker.address());
		proxy.stopRouting(42);
		assertThat(proxy.stats()).containsExactly(Map.entry(7L, new ProxyStats(0, 0)));
		Socket first = connect();
		Socket second = connect();
		assertThat(readLine(first)).isEqualTo("a");
		assertThat(readLine(second)).isEqualTo("a");
		assertThat(proxy.stats()).containsExactly(Map.entry(7L, new ProxyStats(2, 2)));
		proxy.stopRouting(7);
		first.close();
		await().untilAsserted(() -> assertThat(proxy.stats()).containsExactly(Map.entry(7L, new ProxyStats(1, 2))));
		second.close();
		await().untilAsserted(() -> assertThat(proxy.stats()).isEmpty());
		proxy.route(8, worker.address());
		assertThat(proxy.stats()).containsExactly(Map.entry(8L, new ProxyStats(0, 0)));
	}

	@Test
	void closeResetsTheConnectionsReleasesThePortAndEndsTheThread() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub worker = worker("a");
		proxy.route(1, worker.address());
		Socket client = connect();
		assertThat(readLine(client)).isEqualTo("a");
		assertThat(proxyThreads()).containsExactly("cluster-proxy-test");
		long start = System.nanoTime();
		proxy.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(proxy.isRunning()).isFalse();
		assertThat(proxyThreads()).isEmpty();
		assertEnded(client);
		try (ServerSocketChannel rebound = ServerSocketChannel.open()) {
			rebound.bind(new InetSocketAddress(LOOPBACK, proxy.port()));
		}
		proxy.close();
		proxy.route(2, worker.address());
		assertThat(proxy.stats()).isEmpty();
	}

	@Test
	void aTakenPortIsABindException() throws IOException {
		ConnectionProxy proxy = open(true);
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> ConnectionProxy.open("second", LOOPBACK, proxy.port(), 50, true));
		assertThat(proxyThreads()).containsExactly("cluster-proxy-test");
	}

	@Test
	void resetsFromEitherSideCloseOnlyTheirConnection() throws IOException {
		ConnectionProxy proxy = open(true);
		WorkerStub worker = worker("a");
		WorkerStub resetting = track(WorkerStub.start("resetting", true, (stub, socket) -> {
			socket.setSoLinger(true, 0);
			socket.close();
		}));
		proxy.route(1, worker.address());
		Socket survivor = connect();
		assertThat(readLine(survivor)).isEqualTo("a");
		for (int i = 0; i < 20; i++) {
			Socket client = connect();
			client.getOutputStream().write(new byte[] { (byte) 0xFF, 0, 0x16, 0x03 });
			if (i % 2 == 0) {
				readLine(client);
			}
			client.setSoLinger(true, 0);
			client.close();
		}
		proxy.stopRouting(1);
		proxy.route(2, resetting.address());
		assertEnded(connect());
		proxy.stopRouting(2);
		proxy.route(1, worker.address());
		assertThat(proxy.isRunning()).isTrue();
		Socket next = connect();
		assertThat(readLine(next)).isEqualTo("a");
		assertEchoes(next);
		assertEchoes(survivor);
		await().untilAsserted(() -> assertThat(proxy.stats()).containsOnlyKeys(1L)
			.hasEntrySatisfying(1L, (stats) -> assertThat(stats.openConnections()).isEqualTo(2)));
	}

	private ConnectionProxy open(boolean sendProxyHeader) throws IOException {
		ConnectionProxy proxy = track(ConnectionProxy.open("test", LOOPBACK, 0, 50, sendProxyHeader));
		this.proxy = proxy;
		return proxy;
	}

	private WorkerStub worker(String id) throws IOException {
		return track(WorkerStub.echo(id));
	}

	private <T extends Closeable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private Socket connect() throws IOException {
		return connect(null);
	}

	private Socket connect(@Nullable String from) throws IOException {
		Socket socket = track(new Socket());
		if (from != null) {
			socket.bind(new InetSocketAddress(from, 0));
		}
		socket.connect(new InetSocketAddress(LOOPBACK, this.proxy.port()), 5000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static InetSocketAddress deadAddress() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
			return new InetSocketAddress(LOOPBACK, socket.getLocalPort());
		}
	}

	private static String readLine(Socket socket) throws IOException {
		InputStream input = socket.getInputStream();
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = input.read(); b != '\n'; b = input.read()) {
			if (b == -1) {
				throw new IOException("Connection ended before a line did: " + line);
			}
			line.write(b);
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	private static void assertEchoes(Socket client) throws IOException {
		client.getOutputStream().write(HELLO);
		assertThat(readLine(client)).isEqualTo("hello");
	}

	/**
	 * Assert that the proxy ended the connection, by a close or a reset.
	 */
	private static void assertEnded(Socket client) {
		try {
			InputStream input = client.getInputStream();
			while (input.read() != -1) {
				// What the worker said before
			}
		}
		catch (SocketException ex) {
			assertThat(ex).hasMessageContaining("reset");
		}
		catch (IOException ex) {
			throw new AssertionError("The connection was not ended", ex);
		}
	}

	private static List<String> proxyThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("cluster-proxy-"))
			.toList();
	}

	/**
	 * Send pseudo-random bytes.
	 * @return their CRC-32
	 */
	private static long send(Socket socket, int size, long seed) throws IOException {
		OutputStream output = socket.getOutputStream();
		Random random = new Random(seed);
		byte[] chunk = new byte[64 * 1024];
		CRC32 crc = new CRC32();
		for (int sent = 0; sent < size; sent += chunk.length) {
			random.nextBytes(chunk);
			int length = Math.min(chunk.length, size - sent);
			output.write(chunk, 0, length);
			crc.update(chunk, 0, length);
		}
		return crc.getValue();
	}

	/**
	 * Read to the end of the stream, pausing a millisecond every {@code pauseEvery} reads
	 * unless 0.
	 * @return the CRC-32 of the bytes read
	 */
	private static long receive(InputStream input, int pauseEvery) throws IOException {
		byte[] chunk = new byte[16 * 1024];
		CRC32 crc = new CRC32();
		long reads = 0;
		for (int read = input.read(chunk); read != -1; read = input.read(chunk)) {
			crc.update(chunk, 0, read);
			if (pauseEvery > 0 && ++reads % (16L * pauseEvery) == 0) {
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
		}
		return crc.getValue();
	}

	private static ConditionFactory await() {
		return Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10));
	}

}
