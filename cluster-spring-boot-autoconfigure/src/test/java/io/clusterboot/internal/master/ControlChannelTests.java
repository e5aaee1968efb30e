package io.clusterboot.internal.master;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.node.JsonNodeFactory;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.supervisor.ClusterSupervisor;
import io.clusterboot.supervisor.RestartBackoff;
import io.clusterboot.supervisor.SupervisorListener;
import io.clusterboot.supervisor.SupervisorSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ControlChannel}: what a command's peer may and may not ask, and that
 * the workers' connections go to their own channel. The supervisor is never run here;
 * the reload, scale and stop that it carries out are {@code ControlCommandIT}'s.
 */
class ControlChannelTests {

	private static final long PID = ProcessHandle.current().pid();

	private final RecordingWorkers workers = new RecordingWorkers();

	private final ClusterSupervisor supervisor = new ClusterSupervisor(settings(), (id, count, environment) -> {
		throw new IOException("No process is started in this test");
	}, mock(SupervisorListener.class), new FrameCodec(64 * 1024), -1, true);

	private final ControlChannel channel = new ControlChannel(this.workers, this.supervisor,
			Path.of("/srv/app/master.pid"), Duration.ofSeconds(55), Duration.ofMinutes(3));

	@AfterEach
	void close() {
		this.channel.close();
	}

	@Test
	void commandIsWelcomedWithTheMastersPidAndPidFile() {
		Peer command = new Peer();
		command.attachment = this.channel.authenticateControl(command, new Frames.ControlHello(4242));
		assertThat(command.attachment).isNotNull().hasToString("the operator's command of pid 4242");
		assertThat(command.sent).containsExactly(new Frames.ControlWelcome(PID, "/srv/app/master.pid", 55_000));
		assertThat(this.workers.calls).isEmpty();
	}

	@Test
	void statusIsAnsweredWithTheSupervisorsSnapshot() throws MalformedFrameException {
		Peer command = command();
		this.channel.onFrame(command, request(Frames.Request.Action.STATUS, null));
		assertThat(command.sent).containsExactly(new Frames.State(this.supervisor.snapshot()));
	}

	@Test
	void scaleWithoutACountIsInvalid() throws MalformedFrameException {
		Peer command = command();
		this.channel.onFrame(command, request(Frames.Request.Action.SCALE, null));
		assertThat(command.sent).containsExactly(
				Frames.Reply.of(1, OperationOutcome.Status.INVALID, "Say how many workers to run"));
	}

	@Test
	void commandMayNotReplaceOneWorkerScrapeOrSendMessages() {
		Peer command = command();
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.channel.onFrame(command, request(Frames.Request.Action.REPLACE, null)))
			.withMessage("unexpected request REPLACE from the operator's command of pid 4242");
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.channel.onFrame(command,
					new Frames.Request(2, Frames.Request.Action.SCRAPE, null, null, "text", Set.of())))
			.withMessage("unexpected request SCRAPE from the operator's command of pid 4242");
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.channel.onFrame(command,
					new Frames.Message(1, Frames.MASTER, JsonNodeFactory.instance.stringNode("hi"))))
			.withMessage("unexpected Message from the operator's command of pid 4242");
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.channel.onFrame(command, new Frames.Listening("127.0.0.1", 8080)))
			.withMessage("unexpected Listening from the operator's command of pid 4242");
		assertThat(command.sent).isEmpty();
		assertThat(this.workers.calls).isEmpty();
	}

	@Test
	void workersGoToTheirOwnChannel() throws MalformedFrameException {
		Peer worker = new Peer();
		Frames.Hello hello = new Frames.Hello(1, 99, "secret");
		worker.attachment = this.channel.authenticate(worker, hello);
		Frames.Heartbeat heartbeat = new Frames.Heartbeat(1, 1, 1, 0, 0, -1, 0, 1, null, null);
		this.channel.onFrame(worker, heartbeat);
		this.channel.onClose(worker, "end of stream");
		assertThat(worker.attachment).isEqualTo("worker");
		assertThat(this.workers.calls).containsExactly(hello, heartbeat, "end of stream");
	}

	@Test
	void commandThatLeavesIsNotAWorkerThatLeft() {
		Peer command = command();
		this.channel.onClose(command, "end of stream");
		assertThat(this.workers.calls).isEmpty();
	}

	private Peer command() {
		Peer command = new Peer();
		command.attachment = this.channel.authenticateControl(command, new Frames.ControlHello(4242));
		command.sent.clear();
		return command;
	}

	private static Frames.Request request(Frames.Request.Action action, @Nullable Integer count) {
		return new Frames.Request(1, action, null, count, null, null);
	}

	private static SupervisorSettings settings() {
		return new SupervisorSettings(2, 16, 0, 0, Duration.ofSeconds(55), Duration.ofMinutes(3),
				Duration.ofSeconds(30), Duration.ofSeconds(1), 1000, Duration.ofSeconds(2),
				new SupervisorSettings.Restart(
						new RestartBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(1)), Duration.ofSeconds(30), 3),
				SupervisorSettings.Recycling.NONE);
	}

	/**
	 * One end of a connection, recording what is sent to it.
	 */
	private static final class Peer implements IpcPeer {

		private final List<Object> sent = new CopyOnWriteArrayList<>();

		private @Nullable Object attachment;

		@Override
		public boolean send(Object frame) {
			this.sent.add(frame);
			return true;
		}

		@Override
		public boolean sendEncoded(ByteBuffer bytes) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void close() {
		}

		@Override
		public @Nullable Object getAttachment() {
			return this.attachment;
		}

	}

	/**
	 * The workers' channel, recording what reaches it.
	 */
	private static final class RecordingWorkers implements IpcServer.Handler {

		private final List<Object> calls = new CopyOnWriteArrayList<>();

		@Override
		public Object authenticate(IpcPeer connection, Frames.Hello hello) {
			this.calls.add(hello);
			return "worker";
		}

		@Override
		public void onFrame(IpcPeer connection, Object frame) {
			this.calls.add(frame);
		}

		@Override
		public void onClose(IpcPeer connection, String reason) {
			this.calls.add(reason);
		}

	}

}
