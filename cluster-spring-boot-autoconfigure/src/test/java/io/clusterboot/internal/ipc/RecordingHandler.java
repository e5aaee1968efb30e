package io.clusterboot.internal.ipc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * {@link IpcServer.Handler} for tests: accepts a hello with the right secret (and welcomes
 * it, unless told not to), records everything it sees, and refuses a {@link Frames.Welcome}
 * from a worker as a protocol error.
 */
class RecordingHandler implements IpcServer.Handler {

	static final String SECRET = "s3cret";

	static final Frames.Welcome WELCOME = new Frames.Welcome(4242, 1000, 0, 1000);

	final List<Frames.Hello> hellos = new CopyOnWriteArrayList<>();

	final List<Received> frames = new CopyOnWriteArrayList<>();

	final List<Closed> closes = new CopyOnWriteArrayList<>();

	final Map<String, IpcPeer> connections = new ConcurrentHashMap<>();

	static final Frames.ControlWelcome CONTROL_WELCOME = new Frames.ControlWelcome(4242, "/srv/app/master.pid", 1000);

	private final boolean welcome;

	/**
	 * Whether an operator's command is served (it is refused by default, as a handler
	 * that does not override {@link IpcServer.Handler#authenticateControl} does).
	 */
	volatile boolean serveCommands;

	RecordingHandler() {
		this(true);
	}

	RecordingHandler(boolean welcome) {
		this.welcome = welcome;
	}

	@Override
	public @Nullable Object authenticate(IpcPeer connection, Frames.Hello hello) {
		this.hellos.add(hello);
		if (!SECRET.equals(hello.secret())) {
			return null;
		}
		String worker = "worker-" + hello.workerId();
		this.connections.put(worker, connection);
		if (this.welcome) {
			connection.send(WELCOME);
		}
		return worker;
	}

	@Override
	public @Nullable Object authenticateControl(IpcPeer connection, Frames.ControlHello hello) {
		if (!this.serveCommands) {
			return IpcServer.Handler.super.authenticateControl(connection, hello);
		}
		connection.send(CONTROL_WELCOME);
		return "command-" + hello.pid();
	}

	@Override
	public void onFrame(IpcPeer connection, Object frame) throws MalformedFrameException {
		if (frame instanceof Frames.Welcome) {
			throw new MalformedFrameException("unexpected Welcome");
		}
		this.frames.add(new Received(connection.getAttachment(), frame));
	}

	@Override
	public void onClose(IpcPeer connection, String reason) {
		this.closes.add(new Closed(connection.getAttachment(), reason));
	}

	IpcPeer connection(int workerId) {
		IpcPeer connection = this.connections.get("worker-" + workerId);
		if (connection == null) {
			throw new IllegalStateException("Worker " + workerId + " is not connected");
		}
		return connection;
	}

	List<Object> framesFrom(int workerId) {
		return this.frames.stream()
			.filter((received) -> ("worker-" + workerId).equals(received.worker()))
			.map(Received::frame)
			.toList();
	}

	record Received(@Nullable Object worker, Object frame) {
	}

	record Closed(@Nullable Object worker, String reason) {
	}

}
