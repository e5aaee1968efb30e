package io.clusterboot.internal.master;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.supervisor.ClusterSupervisor;
import io.clusterboot.supervisor.OperationFailures;

/**
 * The master's side of an operator's command ({@code --cluster.control=...}): serves the
 * peers that open with a {@link Frames.ControlHello} and hands every other connection to
 * the workers' channel. A command's peer is no worker: it takes no slot, hears no state
 * or message meant for the workers, and may only ask for the state, a rolling restart, a
 * number of workers or a stop; it hears how the operation goes until it is complete,
 * through the public operations of the {@link ClusterSupervisor}, watched on one thread
 * of its own that exists only while a command waits.
 */
final class ControlChannel implements IpcServer.Handler, Closeable {

	private static final Log logger = LogFactory.getLog(ControlChannel.class);

	private static final long WATCH_INTERVAL_MILLIS = 250;

	private final IpcServer.Handler workers;

	private final ClusterSupervisor supervisor;

	private final @Nullable Path pidFile;

	private final Duration shutdownTimeout;

	private final Duration settleTimeout;

	private final long masterPid = ProcessHandle.current().pid();

	private @Nullable ScheduledExecutorService watcher;

	private int watches;

	/**
	 * Create a channel.
	 * @param workers the channel of the workers
	 * @param supervisor the supervisor the commands operate
	 * @param pidFile the pid file the master wrote, or {@code null}
	 * @param shutdownTimeout the time the master gives a stopping worker
	 * @param bootTimeout the time a worker has to become ready
	 */
	ControlChannel(IpcServer.Handler workers, ClusterSupervisor supervisor, @Nullable Path pidFile,
			Duration shutdownTimeout, Duration bootTimeout) {
		this.workers = workers;
		this.supervisor = supervisor;
		this.pidFile = pidFile;
		this.shutdownTimeout = shutdownTimeout;
		// A command gives up on a scale that has not settled in time for a new worker to
		// boot and an old one to drain, with a margin: the slots' own deadlines end sooner
		this.settleTimeout = bootTimeout.plus(shutdownTimeout).plusSeconds(30);
	}

	@Override
	public @Nullable Object authenticate(IpcPeer connection, Frames.Hello hello) {
		return this.workers.authenticate(connection, hello);
	}

	@Override
	public @Nullable Object authenticateControl(IpcPeer connection, Frames.ControlHello hello) {
		Command command = new Command(hello.pid());
		connection.send(new Frames.ControlWelcome(this.masterPid,
				(this.pidFile != null) ? this.pidFile.toString() : null, this.shutdownTimeout.toMillis()));
		logger.debug("Accepted " + command);
		return command;
	}

	@Override
	public void onFrame(IpcPeer connection, Object frame) throws MalformedFrameException {
		if (!(connection.getAttachment() instanceof Command command)) {
			this.workers.onFrame(connection, frame);
			return;
		}
		if (!(frame instanceof Frames.Request request) || request.action() == Frames.Request.Action.SCRAPE
				|| request.action() == Frames.Request.Action.REPLACE) {
			throw new MalformedFrameException("unexpected " + describe(frame) + " from " + command);
		}
		if (request.action() != Frames.Request.Action.STATUS) {
			logger.info("cluster.control=" + verb(request) + " from " + command);
		}
		switch (request.action()) {
			case STATUS -> connection.send(new Frames.State(this.supervisor.snapshot()));
			case RESTART -> restart(connection, command, request.id());
			case SCALE -> scale(connection, command, request);
			case STOP -> {
				connection.send(Frames.Reply.of(request.id(), OperationOutcome.Status.DONE,
						"Stopping the cluster: every worker drains and exits within " + this.shutdownTimeout.toSeconds()
								+ "s (cluster.shutdown-timeout), then the master exits"));
				this.supervisor.stop(0, "stop asked by " + command);
			}
			default -> throw new MalformedFrameException("unexpected " + request.action() + " from " + command);
		}
	}

	@Override
	public void onClose(IpcPeer connection, String reason) {
		if (connection.getAttachment() instanceof Command command) {
			command.gone = true;
			logger.debug("End of " + command + ": " + reason);
		}
		else {
			this.workers.onClose(connection, reason);
		}
	}

	private void restart(IpcPeer connection, Command command, long id) {
		this.supervisor.rollingRestart().whenComplete((started, ex) -> {
			if (ex != null) {
				fail(connection, id, ex);
				return;
			}
			connection.send(new Frames.Reply(id, OperationOutcome.Status.ACCEPTED,
					"Rolling restart of " + started.pending().size() + " worker" + plural(started.pending().size())
							+ " started",
					null, true));
			watch(command, new RolloutWatch(connection, id, started.startedAt()));
		});
	}

	private void scale(IpcPeer connection, Command command, Frames.Request request) {
		Integer count = request.count();
		if (count == null) {
			connection.send(Frames.Reply.of(request.id(), OperationOutcome.Status.INVALID, "Say how many workers to run"));
			return;
		}
		int from = this.supervisor.snapshot().targetWorkers();
		this.supervisor.scale(count).whenComplete((snapshot, ex) -> {
			if (ex != null) {
				fail(connection, request.id(), ex);
				return;
			}
			connection.send(new Frames.Reply(request.id(), OperationOutcome.Status.ACCEPTED,
					"Scaling from " + from + " to " + count + " worker" + plural(count), null, true));
			watch(command, new ScaleWatch(connection, request.id(), count, Instant.now().plus(this.settleTimeout)));
		});
	}

	private static void fail(IpcPeer connection, long id, Throwable failure) {
		OperationOutcome outcome = OperationFailures.outcome(failure);
		connection.send(Frames.Reply.of(id, outcome.status(), outcome.message()));
	}

	/**
	 * Check on an operation every quarter of a second until it is complete or its command
	 * has gone.
	 */
	private synchronized void watch(Command command, Watch watch) {
		if (this.watcher == null) {
			this.watcher = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "cluster-control");
				thread.setDaemon(true);
				return thread;
			});
		}
		this.watches++;
		ScheduledFuture<?>[] future = new ScheduledFuture<?>[1];
		Runnable check = () -> {
			boolean done;
			try {
				done = command.gone || watch.check(this.supervisor.snapshot());
			}
			catch (RuntimeException ex) {
				logger.error("Failed to follow the operation of " + command, ex);
				done = true;
			}
			if (done) {
				synchronized (this) {
					future[0].cancel(false);
					if (--this.watches == 0 && this.watcher != null) {
						this.watcher.shutdown();
						this.watcher = null;
					}
				}
			}
		};
		// Holding this lock, so that a check that ends the watch finds its future set
		future[0] = this.watcher.scheduleWithFixedDelay(check, WATCH_INTERVAL_MILLIS, WATCH_INTERVAL_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void close() {
		if (this.watcher != null) {
			this.watcher.shutdownNow();
			this.watcher = null;
		}
	}

	private static String verb(Frames.Request request) {
		return switch (request.action()) {
			case RESTART -> "reload";
			case SCALE -> "scale:" + request.count();
			default -> request.action().name().toLowerCase(Locale.ROOT);
		};
	}

	private static String describe(Object frame) {
		return (frame instanceof Frames.Request request) ? "request " + request.action()
				: frame.getClass().getSimpleName();
	}

	private static String plural(int count) {
		return (count != 1) ? "s" : "";
	}

	/**
	 * One connected command.
	 */
	private static final class Command {

		private final long pid;

		private volatile boolean gone;

		Command(long pid) {
			this.pid = pid;
		}

		@Override
		public String toString() {
			return "the operator's command of pid " + this.pid;
		}

	}

	/**
	 * Follows an operation for its command.
	 */
	private interface Watch {

		/**
		 * Tell the command how the operation goes.
		 * @param snapshot the cluster's latest state
		 * @return {@code true} once the command has had its final reply
		 */
		boolean check(ClusterSnapshot snapshot);

	}

	/**
	 * Says which worker was replaced as it happens, and how the rollout ended.
	 */
	private static final class RolloutWatch implements Watch {

		private final IpcPeer connection;

		private final long id;

		private final Instant startedAt;

		private final Set<Integer> reported = new HashSet<>();

		RolloutWatch(IpcPeer connection, long id, Instant startedAt) {
			this.connection = connection;
			this.id = id;
			this.startedAt = startedAt;
		}

		@Override
		public boolean check(ClusterSnapshot snapshot) {
			RolloutStatus rollout = snapshot.rollout();
			if (rollout == null || !rollout.startedAt().equals(this.startedAt)) {
				// Not published yet
				return false;
			}
			for (Integer slot : rollout.replaced()) {
				if (this.reported.add(slot)) {
					String pid = snapshot.worker(slot).map((worker) -> " (now pid " + worker.pid() + ")").orElse("");
					this.connection.send(new Frames.Reply(this.id, OperationOutcome.Status.ACCEPTED,
							"Worker " + slot + " replaced" + pid + ", " + rollout.pending().size() + " to go", null,
							true));
				}
			}
			if (rollout.running()) {
				return false;
			}
			if (rollout.failure() != null) {
				this.connection.send(Frames.Reply.of(this.id, OperationOutcome.Status.UNAVAILABLE,
						"Rolling restart stopped after " + rollout.replaced().size() + " of "
								+ (rollout.replaced().size() + rollout.pending().size()) + " workers: "
								+ rollout.failure()));
			}
			else {
				this.connection.send(Frames.Reply.of(this.id, OperationOutcome.Status.DONE,
						"Rolling restart complete: " + rollout.replaced().size() + " replaced in "
								+ Duration.between(rollout.startedAt(), rollout.finishedAt()).toMillis() + "ms"));
			}
			return true;
		}

	}

	/**
	 * Waits until exactly the asked number of workers listen and no other runs.
	 */
	private static final class ScaleWatch implements Watch {

		private final IpcPeer connection;

		private final long id;

		private final int count;

		private final Instant deadline;

		ScaleWatch(IpcPeer connection, long id, int count, Instant deadline) {
			this.connection = connection;
			this.id = id;
			this.count = count;
			this.deadline = deadline;
		}

		@Override
		public boolean check(ClusterSnapshot snapshot) {
			String failure = failure(snapshot);
			if (failure != null) {
				this.connection.send(Frames.Reply.of(this.id, OperationOutcome.Status.UNAVAILABLE, failure));
				return true;
			}
			List<WorkerInfo> workers = snapshot.workers();
			if (workers.size() != this.count
					|| !workers.stream().allMatch((worker) -> worker.state() == WorkerState.LISTENING)) {
				return false;
			}
			List<Long> pids = workers.stream().map(WorkerInfo::pid).toList();
			this.connection.send(Frames.Reply.of(this.id, OperationOutcome.Status.DONE,
					"Running " + this.count + " worker" + plural(this.count) + ", pids " + pids));
			return true;
		}

		private @Nullable String failure(ClusterSnapshot snapshot) {
			if (snapshot.stopping()) {
				return "The cluster is stopping";
			}
			if (snapshot.targetWorkers() != this.count) {
				return "The cluster was scaled to " + snapshot.targetWorkers() + " workers meanwhile";
			}
			List<Integer> failing = snapshot.failingSlots().stream().map(SlotInfo::id).toList();
			if (!failing.isEmpty()) {
				return "Worker " + failing.stream().map(String::valueOf).collect(Collectors.joining(", "))
						+ ((failing.size() != 1) ? " keep" : " keeps") + " failing to start; see the master's log";
			}
			if (Instant.now().isAfter(this.deadline)) {
				return "The cluster did not settle on " + this.count + " listening workers in time: "
						+ snapshot.listeningWorkers() + " listen, " + snapshot.workers().size() + " run";
			}
			return null;
		}

	}

}
