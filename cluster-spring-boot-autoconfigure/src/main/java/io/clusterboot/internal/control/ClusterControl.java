package io.clusterboot.internal.control;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.ControlConnection;
import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.master.IpcDirectories;
import io.clusterboot.state.OperationOutcome;

/**
 * Runs an operator's command, {@code java -jar app.jar --cluster.control=status|reload|
 * scale:N|stop --cluster.pid-file=<file>}: finds the master through its pid file, checks
 * that the process is that master, asks it over its socket, prints what happens and
 * returns the exit code: {@link #OK}, {@link #FAILED} or {@link #USAGE}.
 *
 * @since 0.1.0
 */
public final class ClusterControl {

	/**
	 * Exit code: done.
	 */
	public static final int OK = 0;

	/**
	 * Exit code: no master found, or the master refused or failed the operation.
	 */
	public static final int FAILED = 1;

	/**
	 * Exit code: the command line is wrong.
	 */
	public static final int USAGE = 2;

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Bound on a reload or scale: the master's own deadlines end them well before.
	 */
	private static final Duration OPERATION_TIMEOUT = Duration.ofMinutes(30);

	private static final Duration STOP_MARGIN = Duration.ofSeconds(15);

	/**
	 * How long a master that has made its socket's directory has to bind the socket.
	 */
	private static final Duration STARTING_TIMEOUT = Duration.ofSeconds(5);

	private final FrameCodec codec;

	private final PrintStream out;

	private final PrintStream err;

	ClusterControl(FrameCodec codec, PrintStream out, PrintStream err) {
		this.codec = codec;
		this.out = out;
		this.err = err;
	}

	/**
	 * Run a command.
	 * @param command the value of {@code cluster.control}
	 * @param pidFile the value of {@code cluster.pid-file}
	 * @param maxFrameSize the largest IPC frame, {@code cluster.ipc.max-frame-size}
	 * @param out where results go
	 * @param err where errors go
	 * @return the exit code
	 */
	public static int run(@Nullable String command, @Nullable String pidFile, int maxFrameSize, PrintStream out,
			PrintStream err) {
		return new ClusterControl(new FrameCodec(maxFrameSize), out, err).run(command, pidFile);
	}

	int run(@Nullable String command, @Nullable String pidFile) {
		try {
			ControlCommand parsed = ControlCommand.parse(command);
			Path file = MasterPidFile.of(pidFile);
			long pid = MasterPidFile.read(file);
			Optional<ProcessHandle> master = ProcessHandle.of(pid);
			try (ControlConnection connection = connect(pid, file)) {
				Frames.ControlWelcome welcome = welcome(connection, pid, file);
				return execute(parsed, connection, welcome, master);
			}
		}
		catch (ControlException ex) {
			this.err.println(ex.getMessage());
			return ex.exitCode();
		}
		catch (IOException ex) {
			this.err.println("The connection to the master failed: " + ex.getMessage());
			return FAILED;
		}
	}

	private ControlConnection connect(long pid, Path file) throws ControlException {
		String stale = "No cluster master is running with pid " + pid + " (from " + file + "); stale pid file?";
		Optional<ProcessHandle> process = ProcessHandle.of(pid);
		if (process.isEmpty()) {
			throw new ControlException(FAILED, stale + " No process has that pid");
		}
		String user = System.getProperty("user.name");
		String owner = process.get().info().user().orElse(null);
		if (owner != null && !owner.equals(user)) {
			// Its socket is in a directory only its user may enter, and the master checks
			// the user of every peer
			throw new ControlException(FAILED, "The process with pid " + pid + " (from " + file + ") belongs to OS "
					+ "user " + owner + ", and only a master's own user may operate it; run the command as " + owner);
		}
		long deadline = System.nanoTime() + STARTING_TIMEOUT.toNanos();
		while (true) {
			IOException failure = null;
			boolean starting = false;
			for (Path socket : IpcDirectories.sockets(pid)) {
				if (!Files.exists(socket)) {
					// A master writes its pid file a moment before it binds its socket
					starting = true;
					continue;
				}
				try {
					return ControlConnection.open(socket, this.codec);
				}
				catch (IOException ex) {
					failure = ex;
				}
			}
			if (failure != null) {
				throw new ControlException(FAILED,
						stale + " Its socket refused the connection: " + failure.getMessage(), failure);
			}
			if (!starting || System.nanoTime() - deadline > 0) {
				throw new ControlException(FAILED,
						stale + " The process with that pid has no cluster socket of this OS user ("
								+ System.getProperty("user.name") + ") in the temporary directory");
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ControlException(FAILED, "Interrupted while waiting for the master's socket");
			}
		}
	}

	private Frames.ControlWelcome welcome(ControlConnection connection, long pid, Path file)
			throws ControlException, IOException {
		Object frame;
		try {
			frame = connection.receive(ANSWER_TIMEOUT);
		}
		catch (IOException ex) {
			throw new ControlException(FAILED, "The process with pid " + pid + " closed the connection without "
					+ "answering as a cluster master (" + ex.getMessage() + "); is it one of an older version?", ex);
		}
		if (!(frame instanceof Frames.ControlWelcome welcome)) {
			throw new ControlException(FAILED, "The process with pid " + pid + " did not answer as a cluster master "
					+ ((frame != null) ? "(it sent " + frame.getClass().getSimpleName() + ")"
							: "within " + ANSWER_TIMEOUT.toSeconds() + "s"));
		}
		if (welcome.masterPid() != pid || welcome.pidFile() == null || !sameFile(file, welcome.pidFile())) {
			throw new ControlException(FAILED, "The process with pid " + pid + " is not the master that wrote " + file
					+ " (stale pid file?): it is the master of pid " + welcome.masterPid()
					+ ((welcome.pidFile() != null) ? " that wrote " + welcome.pidFile() : " that wrote no pid file"));
		}
		return welcome;
	}

	private static boolean sameFile(Path file, String other) {
		try {
			return Files.isSameFile(file, Path.of(other));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private int execute(ControlCommand command, ControlConnection connection, Frames.ControlWelcome welcome,
			Optional<ProcessHandle> master) throws ControlException, IOException {
		switch (command.verb()) {
			case STATUS -> {
				connection.send(request(Frames.Request.Action.STATUS, null));
				Object frame = connection.receive(ANSWER_TIMEOUT);
				if (!(frame instanceof Frames.State state)) {
					throw new ControlException(FAILED, "The master did not send its state within "
							+ ANSWER_TIMEOUT.toSeconds() + "s");
				}
				this.out.print(StatusTable.format(state.snapshot()));
				return OK;
			}
			case RELOAD -> {
				connection.send(request(Frames.Request.Action.RESTART, null));
				return follow(command, connection);
			}
			case SCALE -> {
				connection.send(request(Frames.Request.Action.SCALE, command.count()));
				return follow(command, connection);
			}
			case STOP -> {
				connection.send(request(Frames.Request.Action.STOP, null));
				int result = follow(command, connection);
				return (result != OK) ? result : awaitExit(welcome, master);
			}
		}
		throw new IllegalStateException("Unknown command " + command);
	}

	private static Frames.Request request(Frames.Request.Action action, @Nullable Integer count) {
		return new Frames.Request(1, action, null, count, null, null);
	}

	/**
	 * Print the master's replies until the last one.
	 */
	private int follow(ControlCommand command, ControlConnection connection) throws ControlException {
		long deadline = System.nanoTime() + OPERATION_TIMEOUT.toNanos();
		while (true) {
			Object frame;
			try {
				frame = connection.receive(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			}
			catch (IOException ex) {
				throw new ControlException(FAILED, "The master closed the connection before " + command
						+ " completed (" + ex.getMessage() + "); see the master's log", ex);
			}
			if (frame == null) {
				throw new ControlException(FAILED, command + " did not complete within "
						+ OPERATION_TIMEOUT.toMinutes() + " minutes; see the master's log");
			}
			if (frame instanceof Frames.Reply reply) {
				if (reply.status() != OperationOutcome.Status.DONE
						&& reply.status() != OperationOutcome.Status.ACCEPTED) {
					throw new ControlException(FAILED, "cluster.control=" + command + " failed: " + reply.message());
				}
				if (reply.message() != null) {
					this.out.println(reply.message());
				}
				if (!reply.more()) {
					return OK;
				}
			}
		}
	}

	private int awaitExit(Frames.ControlWelcome welcome, Optional<ProcessHandle> master) throws ControlException {
		if (master.isEmpty()) {
			return OK;
		}
		long pid = master.get().pid();
		Duration timeout = Duration.ofMillis(welcome.shutdownTimeoutMillis()).plus(STOP_MARGIN);
		try {
			master.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ControlException(FAILED, "Interrupted while waiting for the master (pid " + pid + ") to exit");
		}
		catch (ExecutionException ex) {
			throw new ControlException(FAILED, "Cannot wait for the master (pid " + pid + "): " + ex.getMessage());
		}
		catch (TimeoutException ex) {
			throw new ControlException(FAILED, "The master (pid " + pid + ") is still running " + timeout.toSeconds()
					+ "s after it was asked to stop; see its log");
		}
		this.out.println("Cluster master (pid " + pid + ") stopped");
		return OK;
	}

}
