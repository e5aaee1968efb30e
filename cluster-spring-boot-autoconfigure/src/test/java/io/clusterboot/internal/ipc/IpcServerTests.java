package io.clusterboot.internal.ipc;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link IpcServer}, over a real Unix domain socket. Every test that makes a
 * peer misbehave also checks that a well-behaved worker connected all along is
 * undisturbed.
 */
class IpcServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final int BYSTANDER = 1;

	private final FrameCodec codec = new FrameCodec(64 * 1024);

	private final RecordingHandler handler = new RecordingHandler();

	private final RecordingListener bystanderListener = new RecordingListener();

	private final AtomicInteger pings = new AtomicInteger();

	private Path directory;

	private IpcServer server;

	private IpcClient bystander;

	@BeforeEach
	void startServerWithOneWorker() throws IOException {
		// Not @TempDir: a Unix socket path must stay short
		this.directory = Files.createTempDirectory(Path.of("/tmp"), "ipc");
		// A long handshake timeout, so that a connection closed quickly was closed for
		// what it sent, not for its silence
		this.server = IpcServer.start(this.directory.resolve("m.sock"), this.codec, this.handler,
				Duration.ofMinutes(1));
		this.bystander = connect(BYSTANDER, RecordingHandler.SECRET, this.bystanderListener);
	}

	@AfterEach
	void stopServer() throws IOException {
		this.bystander.close();
		this.server.close();
		Files.deleteIfExists(this.directory.resolve("m.sock"));
		Files.deleteIfExists(this.directory.resolve("s.sock"));
		Files.delete(this.directory);
	}

	@Test
	void acceptedHelloIsWelcomedAndFramesFlowBothWays() throws IOException {
		RecordingListener listener = new RecordingListener();
		IpcClient client = connect(2, RecordingHandler.SECRET, listener);
		assertThat(client.getWelcome()).isEqualTo(RecordingHandler.WELCOME);
		assertThat(this.handler.hellos).contains(new Frames.Hello(2, ProcessHandle.current().pid(), "s3cret"));
		Frames.Heartbeat heartbeat = new Frames.Heartbeat(1, 1, 2, 3, 0, -1, 0, 4, "CORRECT", "ACCEPTING_TRAFFIC");
		assertThat(client.send(heartbeat)).isTrue();
		eventually().untilAsserted(() -> assertThat(this.handler.framesFrom(2)).containsExactly(heartbeat));
		Frames.Credit stop = new Frames.Credit(5);
		assertThat(this.handler.connection(2).send(stop)).isTrue();
		eventually().untilAsserted(() -> assertThat(listener.frames).containsExactly(stop));
		assertThat(this.handler.connection(2).getAttachment()).isEqualTo("worker-2");
		client.close();
		assertBystanderUndisturbed();
	}

	@Test
	void refusedHelloClosesTheConnectionAndTheServerKeepsServing() throws IOException {
		RecordingListener listener = new RecordingListener();
		assertThatIOException().isThrownBy(() -> connect(3, "wrong", listener))
			.withMessageContaining("did not welcome worker 3");
		assertThat(this.handler.hellos).extracting(Frames.Hello::workerId).contains(3);
		assertThat(this.handler.connections).doesNotContainKey("worker-3");
		assertThat(this.handler.closes).isEmpty();
		IpcClient retry = connect(3, RecordingHandler.SECRET, listener);
		assertThat(retry.isConnected()).isTrue();
		retry.close();
		assertBystanderUndisturbed();
	}

	@Test
	void randomBytesCloseTheConnection() throws IOException {
		byte[] garbage = new byte[4096];
		new Random(42).nextBytes(garbage);
		assertClosedAfterSending(ByteBuffer.wrap(garbage));
	}

	@Test
	void randomBytesBehindAValidLengthPrefixCloseTheConnection() throws IOException {
		byte[] garbage = new byte[200];
		new Random(42).nextBytes(garbage);
		assertClosedAfterSending(ByteBuffer.allocate(4 + garbage.length).putInt(garbage.length).put(garbage).flip());
	}

	@Test
	void oversizedLengthPrefixClosesTheConnection() throws IOException {
		assertClosedAfterSending(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).flip());
	}

	@Test
	void zeroLengthPrefixClosesTheConnection() throws IOException {
		assertClosedAfterSending(ByteBuffer.allocate(4).putInt(0).flip());
	}

	@Test
	void firstFrameOverTheHelloLimitClosesTheConnectionOnItsLengthPrefix() throws IOException {
		assertThat(IpcServer.HELLO_LIMIT).isLessThan(this.codec.maxFrameSize());
		assertClosedAfterSending(ByteBuffer.allocate(4).putInt(IpcServer.HELLO_LIMIT + 1).flip());
	}

	@Test
	void framesAfterTheHelloMayExceedTheHelloLimit() {
		JsonNode payload = JsonNodeFactory.instance.stringNode("x".repeat(IpcServer.HELLO_LIMIT * 10));
		Frames.Message message = new Frames.Message(BYSTANDER, Frames.MASTER, payload);
		assertThat(this.bystander.send(message)).isTrue();
		eventually()
			.untilAsserted(() -> assertThat(this.handler.framesFrom(BYSTANDER)).containsExactly(message));
	}

	@Test
	void firstFrameThatIsNotAHelloClosesTheConnection() throws IOException {
		assertClosedAfterSending(this.codec.encode(new Frames.Heartbeat(1, 1, 2, 3, 0, -1, 0, 4, null, null)));
		assertThat(this.handler.hellos).extracting(Frames.Hello::workerId).containsOnly(BYSTANDER);
	}

	@Test
	void commandIsRefusedByAHandlerThatServesNone() throws IOException {
		assertClosedAfterSending(this.codec.encode(new Frames.ControlHello(ProcessHandle.current().pid())));
	}

	@Test
	void commandServedByTheHandlerIsWelcomedAndItsRequestsReachTheHandler() throws IOException {
		this.handler.serveCommands = true;
		try (ControlConnection command = ControlConnection.open(this.server.getSocketPath(), this.codec)) {
			assertThat(command.receive(TIMEOUT)).isEqualTo(RecordingHandler.CONTROL_WELCOME);
			Frames.Request status = new Frames.Request(1, Frames.Request.Action.STATUS, null, null, null, null);
			command.send(status);
			eventually().untilAsserted(() -> assertThat(this.handler.frames)
				.contains(new RecordingHandler.Received("command-" + ProcessHandle.current().pid(), status)));
		}
		assertBystanderUndisturbed();
	}

	@Test
	void commandStaysHeldToTheHelloLimit() throws IOException {
		this.handler.serveCommands = true;
		try (ControlConnection command = ControlConnection.open(this.server.getSocketPath(), this.codec)) {
			assertThat(command.receive(TIMEOUT)).isEqualTo(RecordingHandler.CONTROL_WELCOME);
			JsonNode payload = JsonNodeFactory.instance.stringNode("x".repeat(IpcServer.HELLO_LIMIT));
			command.send(new Frames.Message(0, Frames.MASTER, payload));
			// End of stream, or a reset as the master closed with these bytes unread
			assertThatIOException().isThrownBy(() -> command.receive(TIMEOUT));
		}
		// The server closes the connection first, then tells its handler
		eventually().untilAsserted(() -> assertThat(this.handler.closes).singleElement()
			.satisfies((closed) -> assertThat(closed.reason()).startsWith("protocol error: Frame length")));
		assertBystanderUndisturbed();
	}

	@Test
	void unknownFrameTypeClosesTheConnection() throws IOException {
		assertClosedAfterSending(frame((byte) 9, "{}"));
	}

	@Test
	void malformedHelloClosesTheConnection() throws IOException {
		assertClosedAfterSending(frame(FrameType.HELLO.code(), "{\"workerId\":"));
		assertThat(this.handler.hellos).extracting(Frames.Hello::workerId).containsOnly(BYSTANDER);
	}

	@Test
	void helloWithANullBodyClosesTheConnection() throws IOException {
		assertClosedAfterSending(frame(FrameType.HELLO.code(), "null"));
		assertThat(this.handler.hellos).extracting(Frames.Hello::workerId).containsOnly(BYSTANDER);
	}

	@Test
	void silentPeerIsClosedAfterTheHandshakeTimeout() throws IOException {
		try (IpcServer impatient = IpcServer.start(this.directory.resolve("s.sock"), this.codec, this.handler,
				Duration.ofMillis(200)); SocketChannel silent = rawPeer(impatient.getSocketPath())) {
			eventually().until(() -> isClosedByServer(silent));
		}
		assertBystanderUndisturbed();
	}

	@Test
	void peerThatSendsHalfAHelloIsClosedAfterTheHandshakeTimeout() throws IOException {
		ByteBuffer hello = this.codec.encode(new Frames.Hello(7, 1, RecordingHandler.SECRET));
		try (IpcServer impatient = IpcServer.start(this.directory.resolve("s.sock"), this.codec, this.handler,
				Duration.ofMillis(200)); SocketChannel slow = rawPeer(impatient.getSocketPath())) {
			write(slow, hello.limit(hello.limit() / 2));
			eventually().until(() -> isClosedByServer(slow));
		}
		assertThat(this.handler.hellos).extracting(Frames.Hello::workerId).containsOnly(BYSTANDER);
		assertBystanderUndisturbed();
	}

	@Test
	void unexpectedFrameAfterTheHelloClosesOnlyThatConnection() throws IOException {
		RecordingListener listener = new RecordingListener();
		IpcClient client = connect(4, RecordingHandler.SECRET, listener);
		client.send(new Frames.Welcome(1, 1, 0, 1000));
		eventually().untilAsserted(() -> assertThat(listener.closes).hasSize(1));
		assertThat(client.isConnected()).isFalse();
		eventually().untilAsserted(() -> assertThat(this.handler.closes)
			.containsExactly(new RecordingHandler.Closed("worker-4", "protocol error: unexpected Welcome")));
		assertBystanderUndisturbed();
	}

	@Test
	void peerThatDisconnectsIsReportedToTheHandler() throws IOException {
		IpcClient client = connect(5, RecordingHandler.SECRET, new RecordingListener());
		client.close();
		eventually()
			.untilAsserted(() -> assertThat(this.handler.closes)
				.containsExactly(new RecordingHandler.Closed("worker-5", "end of stream")));
		assertBystanderUndisturbed();
	}

	@Test
	void connectionClosedByTheMasterEndsThePeersConnection() throws IOException {
		RecordingListener listener = new RecordingListener();
		IpcClient client = connect(6, RecordingHandler.SECRET, listener);
		IpcServer.Connection connection = (IpcServer.Connection) this.handler.connection(6);
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		assertThat(connection.send(new Frames.Credit(5))).isFalse();
		eventually().untilAsserted(() -> assertThat(listener.closes).hasSize(1));
		assertThat(client.isConnected()).isFalse();
		eventually()
			.untilAsserted(() -> assertThat(this.handler.closes)
				.containsExactly(new RecordingHandler.Closed("worker-6", "closed by the master")));
		assertBystanderUndisturbed();
	}

	@Test
	void closeEndsEveryConnectionAndDeletesTheSocketFile() {
		Path socket = this.server.getSocketPath();
		assertThat(socket).exists();
		this.server.close();
		assertThat(socket).doesNotExist();
		eventually().untilAsserted(() -> assertThat(this.bystanderListener.closes).hasSize(1));
		assertThat(this.bystander.isConnected()).isFalse();
	}

	@Test
	void closeTwiceIsHarmless() {
		this.server.close();
		this.server.close();
		assertThat(this.server.getSocketPath()).doesNotExist();
	}

	private static ConditionFactory eventually() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private IpcClient connect(int workerId, String secret, IpcClient.Listener listener) throws IOException {
		return IpcClient.connect(this.server.getSocketPath(), this.codec,
				new Frames.Hello(workerId, ProcessHandle.current().pid(), secret), TIMEOUT, listener);
	}

	private void assertClosedAfterSending(ByteBuffer bytes) throws IOException {
		try (SocketChannel peer = rawPeer(this.server.getSocketPath())) {
			write(peer, bytes);
			eventually().until(() -> isClosedByServer(peer));
		}
		assertThat(this.handler.closes).isEmpty();
		assertBystanderUndisturbed();
	}

	/**
	 * Check that the bystander's connection still carries frames both ways, and that it
	 * never saw anything but what was sent to it.
	 */
	private void assertBystanderUndisturbed() {
		Frames.Message ping = new Frames.Message(BYSTANDER, Frames.MASTER,
				JsonNodeFactory.instance.numberNode(this.pings.incrementAndGet()));
		assertThat(this.bystander.send(ping)).isTrue();
		eventually().untilAsserted(() -> assertThat(this.handler.framesFrom(BYSTANDER)).contains(ping));
		Frames.Message pong = new Frames.Message(Frames.MASTER, BYSTANDER, ping.payload());
		assertThat(this.handler.connection(BYSTANDER).send(pong)).isTrue();
		eventually().untilAsserted(() -> assertThat(this.bystanderListener.frames).contains(pong));
		assertThat(this.bystanderListener.frames).allMatch(Frames.Message.class::isInstance);
		assertThat(this.bystanderListener.closes).isEmpty();
		assertThat(this.bystander.isConnected()).isTrue();
	}

	private static SocketChannel rawPeer(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
		channel.configureBlocking(false);
		return channel;
	}

	private static void write(SocketChannel channel, ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			channel.write(bytes);
		}
	}

	private static boolean isClosedByServer(SocketChannel channel) {
		try {
			return channel.read(ByteBuffer.allocate(1024)) < 0;
		}
		catch (IOException ex) {
			// Reset: the server closed with our bytes unread
			return true;
		}
	}

	private static ByteBuffer frame(byte type, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(5 + bytes.length).putInt(1 + bytes.length).put(type).put(bytes).flip();
	}

}
