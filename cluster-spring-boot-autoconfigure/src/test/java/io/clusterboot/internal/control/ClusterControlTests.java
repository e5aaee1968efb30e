package io.clusterboot.internal.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterControl}: its errors, and its side of the conversation with a
 * master played by a real {@link IpcServer} in a master's socket directory.
 */
class ClusterControlTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private @Nullable Path socketDirectory;

	private volatile @Nullable IpcServer master;

	@AfterEach
	void stopMaster() throws IOException {
		if (this.master != null) {
			this.master.close();
		}
		if (this.socketDirectory != null) {
			Files.deleteIfExists(this.socketDirectory.resolve("master.sock"));
			Files.deleteIfExists(this.socketDirectory);
		}
	}

	@Test
	void wrongVerbIsAUsageError() throws IOException {
		assertThat(run("restart", pidFile(PID))).isEqualTo(ClusterControl.USAGE);
		assertThat(err()).contains("cluster.control=restart is not a command; use status, reload, scale:N");
		assertThat(out()).isEmpty();
	}

	@Test
	void noPidFileIsAUsageError() {
		assertThat(run("status", null)).isEqualTo(ClusterControl.USAGE);
		assertThat(err()).contains("add --cluster.pid-file=<file>");
	}

	@Test
	void pidOfAProcessThatIsNoMasterIsAStalePidFile() throws IOException {
		Path file = pidFile(PID);
		assertThat(run("status", file.toString())).isEqualTo(ClusterControl.FAILED);
		assertThat(err()).startsWith("No cluster master is running with pid " + PID + " (from " + file
				+ "); stale pid file? The process with that pid has no cluster socket of this OS user");
	}

	@Test
	void pidOfNoProcessIsAStalePidFile() throws IOException {
		Path file = pidFile(999_999_999);
		assertThat(run("reload", file.toString())).isEqualTo(ClusterControl.FAILED);
		assertThat(err()).startsWith("No cluster master is running with pid 999999999 (from " + file
				+ "); stale pid file? No process has that pid");
	}

	@Test
	void masterThatWroteAnotherPidFileIsNotTheOneAskedFor() throws IOException {
		Path file = pidFile(PID);
		startMaster("/elsewhere/master.pid", (peer, request) -> {
		});
		assertThat(run("status", file.toString())).isEqualTo(ClusterControl.FAILED);
		assertThat(err()).startsWith("The process with pid " + PID + " is not the master that wrote " + file
				+ " (stale pid file?): it is the master of pid " + PID + " that wrote /elsewhere/master.pid");
	}

	@Test
	void statusPrintsTheMastersSnapshot() throws IOException {
		Path file = pidFile(PID);
		ClusterSnapshot snapshot = new ClusterSnapshot(PID, Instant.now(), 8080, 2, false, List.of(), List.of(), null,
				16, new ClusterCounters(Map.of(), 0, 0, 0, 0, 0), Instant.now(), "reuseport", null);
		List<Frames.Request> requests = startMaster(file.toString(),
				(peer, request) -> peer.send(new Frames.State(snapshot)));
		assertThat(run("status", file.toString())).isEqualTo(ClusterControl.OK);
		assertThat(out()).isEqualTo(StatusTable.format(snapshot));
		assertThat(requests).extracting(Frames.Request::action).containsExactly(Frames.Request.Action.STATUS);
	}

	@Test
	void masterThatHasNotBoundItsSocketYetIsWaitedFor() throws Exception {
		Path file = pidFile(PID);
		ClusterSnapshot snapshot = new ClusterSnapshot(PID, Instant.now(), -1, 1, false, List.of(), List.of(), null,
				16, new ClusterCounters(Map.of(), 0, 0, 0, 0, 0), Instant.now(), "none", null);
		this.socketDirectory = Files.createTempDirectory(Path.of("/tmp"), "cluster-" + PID + "-");
		Thread binding = new Thread(() -> {
			try {
				Thread.sleep(1000);
				startMaster(this.socketDirectory, file.toString(),
						(peer, request) -> peer.send(new Frames.State(snapshot)));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		binding.start();
		try {
			assertThat(run("status", file.toString())).isEqualTo(ClusterControl.OK);
		}
		finally {
			binding.join();
		}
		assertThat(out()).startsWith("Cluster master pid " + PID);
	}

	@Test
	void reloadPrintsTheProgressUntilTheLastReply() throws IOException {
		Path file = pidFile(PID);
		startMaster(file.toString(), (peer, request) -> {
			peer.send(new Frames.Reply(request.id(), OperationOutcome.Status.ACCEPTED, "started", null, true));
			peer.send(new Frames.Reply(request.id(), OperationOutcome.Status.ACCEPTED, "worker 1", null, true));
			peer.send(Frames.Reply.of(request.id(), OperationOutcome.Status.DONE, "complete"));
		});
		assertThat(run("reload", file.toString())).isEqualTo(ClusterControl.OK);
		assertThat(out().lines()).containsExactly("started", "worker 1", "complete");
	}

	@Test
	void refusedOperationFails() throws IOException {
		Path file = pidFile(PID);
		List<Frames.Request> requests = startMaster(file.toString(), (peer, request) -> peer
			.send(Frames.Reply.of(request.id(), OperationOutcome.Status.CONFLICT, "A rolling restart is running")));
		assertThat(run("scale:3", file.toString())).isEqualTo(ClusterControl.FAILED);
		assertThat(err()).contains("cluster.control=scale:3 failed: A rolling restart is running");
		assertThat(requests).singleElement().satisfies((request) -> {
			assertThat(request.action()).isEqualTo(Frames.Request.Action.SCALE);
			assertThat(request.count()).isEqualTo(3);
		});
	}

	@Test
	void masterThatClosesTheConnectionMidwayFails() throws IOException {
		Path file = pidFile(PID);
		startMaster(file.toString(), (peer, request) -> peer.close());
		assertThat(run("reload", file.toString())).isEqualTo(ClusterControl.FAILED);
		assertThat(out()).isEmpty();
		assertThat(err()).contains("The master closed the connection before reload completed");
	}

	private int run(String command, @Nullable Object pidFile) {
		return new ClusterControl(new FrameCodec(64 * 1024), print(this.out), print(this.err)).run(command,
				(pidFile != null) ? pidFile.toString() : null);
	}

	private Path pidFile(long pid) throws IOException {
		return Files.writeString(this.temp.resolve("master.pid"), pid + "\n");
	}

	/**
	 * Play a master of this JVM's pid that wrote {@code pidFile}, answering each request
	 * with {@code answer}.
	 */
	private List<Frames.Request> startMaster(String pidFile, BiConsumer<IpcPeer, Frames.Request> answer)
			throws IOException {
		this.socketDirectory = Files.createTempDirectory(Path.of("/tmp"), "cluster-" + PID + "-");
		return startMaster(this.socketDirectory, pidFile, answer);
	}

	private List<Frames.Request> startMaster(Path directory, String pidFile,
			BiConsumer<IpcPeer, Frames.Request> answer) throws IOException {
		List<Frames.Request> requests = new CopyOnWriteArrayList<>();
		this.master = IpcServer.start(directory.resolve("master.sock"), new FrameCodec(64 * 1024),
				new IpcServer.Handler() {

					@Override
					public @Nullable Object authenticate(IpcPeer connection, Frames.Hello hello) {
						return null;
					}

					@Override
					public Object authenticateControl(IpcPeer connection, Frames.ControlHello hello) {
						connection.send(new Frames.ControlWelcome(PID, pidFile, 1000));
						return hello;
					}

					@Override
					public void onFrame(IpcPeer connection, Object frame) {
						Frames.Request request = (Frames.Request) frame;
						requests.add(request);
						answer.accept(connection, request);
					}

					@Override
					public void onClose(IpcPeer connection, String reason) {
					}

				}, Duration.ofSeconds(10));
		return requests;
	}

	private static PrintStream print(ByteArrayOutputStream bytes) {
		return new PrintStream(bytes, true, StandardCharsets.UTF_8);
	}

	private String out() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
