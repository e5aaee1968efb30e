package io.clusterboot.supervisor;

import java.util.List;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.internal.worker.WorkerEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fake worker process and its connection, driven by a test: what it does reaches the
 * supervisor as it would through the IPC server, as commands for the next turn of the
 * loop (messages excepted).
 */
final class TestWorker {

	private final FakeWorkerProcess process;

	private final IpcServer.Handler channel;

	private final FakePeer peer;

	private boolean exited;

	TestWorker(FakeWorkerProcess process, IpcServer.Handler channel, FrameCodec codec) {
		this.process = process;
		this.channel = channel;
		this.peer = new FakePeer(codec);
	}

	/**
	 * Connect to the master with the secret the master gave this process.
	 * @return this worker
	 */
	TestWorker connect() {
		Object attachment = this.channel.authenticate(this.peer,
				new Frames.Hello(launchedAs(), pid(), this.process.secret()));
		assertThat(attachment).as("the master accepts the hello of worker %d (pid %d)", id(), pid()).isNotNull();
		this.peer.attach(attachment);
		return this;
	}

	/**
	 * Say the application is ready and its server bound.
	 * @return this worker
	 */
	TestWorker listen() {
		return send(new Frames.Listening("0.0.0.0", 8080));
	}

	/**
	 * As a spare, say the application context is refreshed and the worker waits.
	 * @return this worker
	 */
	TestWorker standBy() {
		return send(new Frames.StandingBy(1500));
	}

	/**
	 * The slots the master promoted this spare into.
	 * @return the slot ids, in order
	 */
	List<Integer> promotions() {
		return this.peer.sent(Frames.Promote.class).stream().map(Frames.Promote::workerId).toList();
	}

	TestWorker heartbeat() {
		return send(Heartbeats.idle());
	}

	TestWorker heartbeat(Frames.Heartbeat heartbeat) {
		return send(heartbeat);
	}

	/**
	 * Say the JVM is running its shutdown hooks.
	 * @return this worker
	 */
	TestWorker sayExiting() {
		return send(new Frames.Exiting(pid(), null));
	}

	TestWorker send(Object frame) {
		try {
			this.channel.onFrame(this.peer, frame);
		}
		catch (MalformedFrameException ex) {
			throw new IllegalStateException(ex);
		}
		return this;
	}

	/**
	 * Lose the connection to the master, as when the process dies or closes it.
	 * @return this worker
	 */
	TestWorker closeChannel() {
		this.peer.close();
		this.channel.onClose(this.peer, "end of stream");
		return this;
	}

	/**
	 * End the process.
	 * @param code the exit value, {@code 128 + n} for signal {@code n}
	 * @return this worker
	 */
	TestWorker exit(int code) {
		this.exited = true;
		this.process.exit(code);
		return this;
	}

	boolean isConnected() {
		return this.peer.getAttachment() != null && !this.peer.isClosed() && !this.exited;
	}

	/**
	 * The number the process was launched with (the slot id, or above the most workers
	 * for a spare).
	 * @return the launch id
	 */
	int id() {
		return this.process.workerId();
	}

	/**
	 * The worker id the process was given in its environment: its slot's, or 0 for a
	 * spare.
	 * @return the id
	 */
	int launchedAs() {
		return Integer.parseInt(this.process.environment().get(WorkerEnvironment.WORKER_ID));
	}

	long pid() {
		return this.process.pid();
	}

	FakeWorkerProcess process() {
		return this.process;
	}

	FakePeer peer() {
		return this.peer;
	}

	@Override
	public String toString() {
		return "worker " + id() + " (pid " + pid() + ")";
	}

}
