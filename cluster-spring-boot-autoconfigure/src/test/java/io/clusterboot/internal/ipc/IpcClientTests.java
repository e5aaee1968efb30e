package io.clusterboot.internal.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.JsonNodeFactory;

import io.clusterboot.internal.ipc.FrameCodec.FrameTooLargeException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link IpcClient}, against a real {@link IpcServer}.
 */
class IpcClientTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FrameCodec codec = new FrameCodec(64 * 1024);

	private final RecordingListener listener = new RecordingListener();

	private Path directory;

	private IpcServer server;

	private RecordingHandler handler;

	@BeforeEach
	void createDirectory() throws IOException {
		this.directory = Files.createTempDirectory(Path.of("/tmp"), "ipc");
	}

	@AfterEach
	void stopServer() throws IOException {
		if (this.server != null) {
			this.server.close();
		}
		Files.deleteIfExists(this.directory.resolve("m.sock"));
		Files.delete(this.directory);
	}

	@Test
	void connectReturnsOnceTheMasterWelcomesTheWorker() throws IOException {
		startServer(new RecordingHandler());
		IpcClient client = connect(1, RecordingHandler.SECRET, TIMEOUT);
		assertThat(client.isConnected()).isTrue();
		assertThat(client.getWelcome()).isEqualTo(RecordingHandler.WELCOME);
		assertThat(client.getCodec()).isSameAs(this.codec);
		client.close();
	}

	@Test
	void connectFailsWhenTheMasterRefusesTheWorker() throws IOException {
		startServer(new RecordingHandler());
		assertThatIOException().isThrownBy(() -> connect(1, "wrong", TIMEOUT))
			.withMessageContaining("did not welcome worker 1");
		// The connection never opened for the caller, so its end is no event (a worker
		// runtime would take it for the loss of its master and exit the JVM)
		await().during(Duration.ofMillis(500))
			.atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(this.listener.closes).isEmpty());
	}

	@Test
	void connectFailsWhenTheMasterNeverWelcomesTheWorker() throws IOException {
		startServer(new RecordingHandler(false));
		assertThatIOException().isThrownBy(() -> connect(1, RecordingHandler.SECRET, Duration.ofMillis(200)))
			.withMessage("The master at " + this.server.getSocketPath() + " did not welcome worker 1 within 200ms");
		assertThat(this.listener.closes).isEmpty();
	}

	@Test
	void connectFailsWithoutAMaster() {
		assertThatIOException().isThrownBy(() -> IpcClient.connect(this.directory.resolve("m.sock"), this.codec,
				new Frames.Hello(1, 1, RecordingHandler.SECRET), TIMEOUT, this.listener));
		assertThat(this.listener.closes).isEmpty();
	}

	@Test
	void framesFromTheMasterReachTheListenerInOrder() throws IOException {
		startServer(new RecordingHandler());
		IpcClient client = connect(1, RecordingHandler.SECRET, TIMEOUT);
		IpcServer.Connection connection = (IpcServer.Connection) this.handler.connection(1);
		Frames.Message first = new Frames.Message(Frames.MASTER, 1, JsonNodeFactory.instance.numberNode(1));
		Frames.Message second = new Frames.Message(Frames.MASTER, 1, JsonNodeFactory.instance.numberNode(2));
		connection.send(first);
		connection.send(second);
		eventually().untilAsserted(() -> assertThat(this.listener.frames).containsExactly(first, second));
		client.close();
	}

	@Test
	void listenerThatFailsOnAFrameStillGetsTheNextOne() throws IOException {
		startServer(new RecordingHandler());
		RecordingListener failOnce = new RecordingListener() {

			@Override
			public void onFrame(Object frame) {
				super.onFrame(frame);
				if (this.frames.size() == 1) {
					throw new IllegalStateException("listener failure");
				}
			}

		};
		IpcClient client = IpcClient.connect(this.server.getSocketPath(), this.codec,
				new Frames.Hello(1, 1, RecordingHandler.SECRET), TIMEOUT, failOnce);
		Frames.Credit stop = new Frames.Credit(5);
		this.handler.connection(1).send(stop);
		this.handler.connection(1).send(stop);
		eventually().untilAsserted(() -> assertThat(failOnce.frames).hasSize(2));
		assertThat(client.isConnected()).isTrue();
		client.close();
	}

	@Test
	void masterClosingTheConnectionIsReportedToTheListenerOnce() throws IOException {
		startServer(new RecordingHandler());
		IpcClient client = connect(1, RecordingHandler.SECRET, TIMEOUT);
		this.handler.connection(1).close();
		eventually().untilAsserted(() -> assertThat(this.listener.closes).containsExactly("end of stream"));
		assertThat(client.isConnected()).isFalse();
		assertThat(client.send(new Frames.Heartbeat(1, 1, 2, 3, 0, -1, 0, 4, null, null))).isFalse();
	}

	@Test
	void closeEndsTheConnectionWithoutTellingTheListener() throws IOException {
		startServer(new RecordingHandler());
		IpcClient client = connect(1, RecordingHandler.SECRET, TIMEOUT);
		client.close();
		assertThat(client.isConnected()).isFalse();
		assertThat(client.send(new Frames.Heartbeat(1, 1, 2, 3, 0, -1, 0, 4, null, null))).isFalse();
		eventually().untilAsserted(() -> assertThat(this.handler.closes).hasSize(1));
		assertThat(this.listener.closes).isEmpty();
		client.close();
	}

	@Test
	void sendRefusesAFrameOverTheLimit() throws IOException {
		startServer(new RecordingHandler());
		IpcClient client = connect(1, RecordingHandler.SECRET, TIMEOUT);
		Frames.Message huge = new Frames.Message(1, Frames.MASTER,
				JsonNodeFactory.instance.stringNode("x".repeat(this.codec.maxFrameSize())));
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(() -> client.send(huge));
		assertThat(client.isConnected()).isTrue();
		client.close();
	}

	private void startServer(RecordingHandler handler) throws IOException {
		this.handler = handler;
		this.server = IpcServer.start(this.directory.resolve("m.sock"), this.codec, handler, Duration.ofMinutes(1));
	}

	private IpcClient connect(int workerId, String secret, Duration timeout) throws IOException {
		return IpcClient.connect(this.server.getSocketPath(), this.codec, new Frames.Hello(workerId, 1, secret),
				timeout, this.listener);
	}

	private static ConditionFactory eventually() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

}
