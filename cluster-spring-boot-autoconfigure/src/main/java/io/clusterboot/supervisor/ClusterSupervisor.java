package io.clusterboot.supervisor;

import io.clusterboot.server.TcpMigrateReq;
import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import io.clusterboot.autoconfigure.ClusterProperties;
import io.clusterboot.autoconfigure.WorkerCount;
import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.event.ClusterMessage;
import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.worker.WorkerEnvironment;

/**
 * Runs the cluster: forks workers, watches them, restarts the ones that die, replaces
 * them one by one on request and stops them all at the end. One thread, the one that
 * calls {@link #run()}, owns every worker; everything else (IPC, signals, the public
 * methods here) only queues commands for it, after the model of gunicorn's arbiter.
 *
 * @since 0.1.0
 */
public final class ClusterSupervisor implements IpcServer.Handler {

	private static final Log logger = LogFactory.getLog(ClusterSupervisor.class);

	private static final long TICK_MILLIS = 200;

	private static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(2);

	/**
	 * Stop requests this close to the first one are the same request: one Ctrl-C under
	 * {@code mvn spring-boot:run} brings SIGINT to the whole process group and, a moment
	 * later, SIGTERM from Maven.
	 */
	private static final Duration DUPLICATE_STOP_WINDOW = Duration.ofSeconds(2);

	private final ClusterProperties properties;

	private final WorkerLauncher launcher;

	private final ClusterEventPublisher events;

	private final FrameCodec codec;

	private final ObjectMapper mapper;

	private final int port;

	private final boolean exitCodeThreeIsOutOfMemory;

	private final RestartBackoff backoff;

	private final RecyclePolicy recyclePolicy;

	private final @Nullable Integer tcpMigrateReq = TcpMigrateReq.read();

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final Map<String, Worker> awaitingHello = new ConcurrentHashMap<>();

	private final Map<Integer, IpcServer.Connection> connections = new ConcurrentHashMap<>();

	private final SecureRandom random = new SecureRandom();

	private final long masterPid = ProcessHandle.current().pid();

	private final Instant startedAt = Instant.now();

	private final CountDownLatch finished = new CountDownLatch(1);

	private final TreeMap<Integer, Slot> slots = new TreeMap<>();

	private final List<Worker> workers = new ArrayList<>();

	private int target;

	/**
	 * {@code cluster.max-workers}, or its default; worked out once, because counting the
	 * processors reads the container's CPU limits from the file system every time.
	 */
	private final int maxWorkers;

	private boolean stopping;

	private long stopRequestedNanos;

	private int exitCode;

	private boolean ready;

	private @Nullable Rollout rollout;

	private @Nullable RolloutStatus lastRollout;

	private final ClusterTally tally = new ClusterTally();

	private final ScrapeGathering scrapes = new ScrapeGathering();

	private long statePushedNanos;

	private List<Object> lastShape = List.of();

	private volatile ClusterSnapshot snapshot;

	/**
	 * Create a supervisor.
	 * @param properties the cluster's configuration
	 * @param launcher starts worker processes
	 * @param events publishes the workers' lifecycle
	 * @param codec encodes frames for the workers
	 * @param port the port the workers share, or {@code -1}
	 * @param exitCodeThreeIsOutOfMemory whether workers run with
	 * {@code -XX:+ExitOnOutOfMemoryError}, so that exit code 3 means out of memory
	 */
	public ClusterSupervisor(ClusterProperties properties, WorkerLauncher launcher, ClusterEventPublisher events,
			FrameCodec codec, int port, boolean exitCodeThreeIsOutOfMemory) {
		this.properties = properties;
		this.launcher = launcher;
		this.events = events;
		this.codec = codec;
		this.mapper = codec.mapper();
		this.port = port;
		this.exitCodeThreeIsOutOfMemory = exitCodeThreeIsOutOfMemory;
		ClusterProperties.Restart restart = properties.getRestart();
		this.backoff = new RestartBackoff(restart.getInitialDelay(), restart.getMultiplier(), restart.getMaxDelay());
		this.recyclePolicy = new RecyclePolicy(properties.getWorker(), restart.getResetAfter());
		this.target = requireWorkers(properties).resolve();
		this.maxWorkers = (properties.getMaxWorkers() != null) ? properties.getMaxWorkers()
				: ClusterProperties.defaultMaxWorkers();
		this.snapshot = new ClusterSnapshot(this.masterPid, this.startedAt, port, this.target, false, List.of(), null,
				this.maxWorkers, ClusterCounters.NONE, this.startedAt, portSharing(), this.tcpMigrateReq);
	}

	private static WorkerCount requireWorkers(ClusterProperties properties) {
		WorkerCount workers = properties.getWorkers();
		if (workers == null || !workers.isClustered()) {
			throw new IllegalArgumentException("cluster.workers must be 'auto' or a positive number to supervise");
		}
		return workers;
	}

	// ---------------------------------------------------------------- public API

	/**
	 * Supervise the cluster until it stops. Call once, from the thread that is to own the
	 * cluster (the master's main thread).
	 * @return the master's exit code: 0 after a requested stop, non-zero if the cluster
	 * failed
	 */
	public int run() {
		for (int id = 1; id <= this.target; id++) {
			this.slots.put(id, new Slot(id));
		}
		maintain();
		logger.info("Forked " + this.target + " workers" + ((this.port > 0) ? " sharing port " + this.port : "")
				+ ", " + sinceJvmStart() + "ms after the master's JVM started (master pid " + this.masterPid + ")");
		if (this.port > 0 && Integer.valueOf(0).equals(this.tcpMigrateReq)) {
			logger.info("net.ipv4.tcp_migrate_req is 0: connections still waiting to be accepted by a worker "
					+ "that stops are reset instead of handed to another worker. To lose none during restarts, "
					+ "run 'sysctl -w net.ipv4.tcp_migrate_req=1' (as root; make it permanent in /etc/sysctl.d/)");
		}
		publishSnapshot();
		try {
			while (!(this.stopping && this.workers.isEmpty())) {
				Runnable command = this.commands.poll(nextWakeupMillis(), TimeUnit.MILLISECONDS);
				while (command != null) {
					runCommand(command);
					command = this.commands.poll();
				}
				checkTimers();
				maintain();
				publishSnapshot();
				pushState();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Supervisor interrupted; killing all workers");
			this.workers.forEach(this::destroyForcibly);
			this.exitCode = 1;
		}
		finally {
			this.rollout = null;
			publishSnapshot();
			this.finished.countDown();
		}
		logger.info("Cluster stopped");
		return this.exitCode;
	}

	/**
	 * Stop the cluster gracefully: every worker drains and exits within
	 * {@code cluster.shutdown-timeout}, then the rest are killed. A second stop while the
	 * first runs, and more than two seconds after it, kills the remaining workers at once.
	 */
	public void stop() {
		stop(0, "stop requested");
	}

	/**
	 * Stop the cluster, choosing the master's exit code.
	 * @param exitCode the exit code {@link #run()} returns
	 * @param reason why, for the log
	 */
	public void stop(int exitCode, String reason) {
		execute(() -> doStop(exitCode, reason));
	}

	/**
	 * Wait for the cluster to stop.
	 * @param timeout how long to wait
	 * @return {@code true} if it stopped in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean awaitStopped(Duration timeout) throws InterruptedException {
		return this.finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Whether {@link #run()} has returned or was never called and the supervisor is gone.
	 * @return {@code true} once the cluster has stopped
	 */
	public boolean isStopped() {
		return this.finished.getCount() == 0;
	}

	/**
	 * The cluster's state as last published by the supervisor thread.
	 * @return the snapshot
	 */
	public ClusterSnapshot snapshot() {
		return this.snapshot;
	}

	/**
	 * The live workers.
	 * @return the workers, by id
	 */
	public List<WorkerInfo> workers() {
		return this.snapshot.workers();
	}

	/**
	 * Run {@code count} workers: new slots are forked, the highest slots above the count
	 * are drained and removed.
	 * @param count the new number of workers
	 * @return completes once the change is under way
	 */
	public CompletableFuture<ClusterSnapshot> scale(int count) {
		return call(() -> {
			doScale(count);
			publishSnapshot();
			return this.snapshot;
		});
	}

	/**
	 * Add one worker, like Node's {@code cluster.fork()}.
	 * @return completes with the new worker's id once it is forked
	 */
	public CompletableFuture<Integer> fork() {
		return call(() -> {
			doScale(this.target + 1);
			return this.target;
		});
	}

	/**
	 * Replace one worker gracefully: a new worker takes the slot once it is ready, then
	 * the old one drains.
	 * @param workerId the slot to replace
	 * @return completes once the replacement is under way
	 */
	public CompletableFuture<RolloutStatus> restart(int workerId) {
		return call(() -> {
			if (!this.slots.containsKey(workerId)) {
				throw new NoSuchWorkerException(workerId, this.target);
			}
			return startRollout("replacement of worker " + workerId, ExitCause.STOPPED, List.of(workerId));
		});
	}

	/**
	 * Replace every worker, one at a time, never running fewer than the target number of
	 * ready workers.
	 * @return completes once the rollout is under way
	 * @throws ClusterBusyException (through the future) if a rollout is already running
	 */
	public CompletableFuture<RolloutStatus> rollingRestart() {
		return call(() -> startRollout("restart", ExitCause.STOPPED, new ArrayList<>(this.slots.keySet())));
	}

	/**
	 * Send a message to one worker.
	 * @param workerId the worker's id
	 * @param payload the message as JSON
	 * @return {@code false} if that worker is not connected
	 */
	public boolean send(int workerId, JsonNode payload) {
		IpcServer.Connection connection = this.connections.get(workerId);
		return connection != null && connection.send(new Frames.Message(Frames.MASTER, workerId, payload));
	}

	/**
	 * Send a message to every connected worker.
	 * @param payload the message as JSON
	 * @param senderId {@link Frames#MASTER} or the id of the worker the message is
	 * relayed for
	 * @return the number of workers it was sent to
	 */
	public int broadcast(JsonNode payload, int senderId) {
		int sent = 0;
		for (IpcServer.Connection connection : this.connections.values()) {
			if (connection.send(new Frames.Message(senderId, Frames.ALL_WORKERS, payload))) {
				sent++;
			}
		}
		return sent;
	}

	// ---------------------------------------------------------------- IPC (IPC thread)

	@Override
	public @Nullable Object authenticate(IpcServer.Connection connection, Frames.Hello hello) {
		Worker worker = (hello.secret() != null) ? this.awaitingHello.get(hello.secret()) : null;
		if (worker == null || worker.id != hello.workerId() || (worker.pid != -1 && worker.pid != hello.pid())
				|| !MessageDigest.isEqual(worker.secret.getBytes(StandardCharsets.US_ASCII),
						hello.secret().getBytes(StandardCharsets.US_ASCII))) {
			logger.warn("Refused IPC peer claiming to be worker " + hello.workerId() + " (pid " + hello.pid()
					+ "): unknown worker or wrong secret");
			return null;
		}
		this.awaitingHello.remove(hello.secret());
		execute(() -> onOnline(worker, connection));
		return worker;
	}

	@Override
	public void onFrame(IpcServer.Connection connection, Object frame) throws MalformedFrameException {
		Worker worker = (Worker) connection.getAttachment();
		if (frame instanceof Frames.Heartbeat heartbeat) {
			execute(() -> onHeartbeat(worker, heartbeat));
		}
		else if (frame instanceof Frames.Listening listening) {
			execute(() -> onListening(worker, listening));
		}
		else if (frame instanceof Frames.Message message) {
			execute(() -> onMessage(worker, message));
		}
		else if (frame instanceof Frames.Request request) {
			execute(() -> onRequest(worker, connection, request));
		}
		else if (frame instanceof Frames.Reply reply) {
			execute(() -> this.scrapes.received(worker, reply));
		}
		else {
			throw new MalformedFrameException("unexpected " + frame.getClass().getSimpleName() + " from a worker");
		}
	}

	@Override
	public void onClose(IpcServer.Connection connection, String reason) {
		Worker worker = (Worker) connection.getAttachment();
		execute(() -> onDisconnect(worker, connection, reason));
	}

	// ---------------------------------------------------------------- the loop

	private void execute(Runnable command) {
		this.commands.add(command);
	}

	private <T> CompletableFuture<T> call(Supplier<T> action) {
		CompletableFuture<T> result = new CompletableFuture<>();
		execute(() -> {
			try {
				result.complete(action.get());
			}
			catch (RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	private void runCommand(Runnable command) {
		try {
			command.run();
		}
		catch (RuntimeException ex) {
			logger.error("Supervisor command failed; carrying on", ex);
		}
	}

	private long nextWakeupMillis() {
		long wakeup = TICK_MILLIS;
		long now = System.nanoTime();
		for (Slot slot : this.slots.values()) {
			if (slot.worker == null && !this.stopping) {
				wakeup = Math.min(wakeup, Math.max(0, TimeUnit.NANOSECONDS.toMillis(slot.restartAtNanos - now)));
			}
		}
		return wakeup;
	}

	private void maintain() {
		if (this.stopping) {
			return;
		}
		long now = System.nanoTime();
		for (Slot slot : this.slots.values()) {
			if (slot.worker == null && slot.replacement == null && now - slot.restartAtNanos >= 0) {
				spawn(slot, false);
				if (this.stopping) {
					return;
				}
			}
		}
		advanceRollout();
	}

	private void spawn(Slot slot, boolean replacement) {
		byte[] secretBytes = new byte[32];
		this.random.nextBytes(secretBytes);
		String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
		Worker worker = new Worker(slot.id, secret);
		this.awaitingHello.put(secret, worker);
		Process process;
		try {
			process = this.launcher.launch(slot.id, this.target,
					Map.of(WorkerEnvironment.WORKER_ID, Integer.toString(slot.id), WorkerEnvironment.MASTER_SECRET,
							secret));
		}
		catch (IOException | RuntimeException ex) {
			this.awaitingHello.remove(secret);
			logger.error("Could not start worker " + slot.id + ": " + ex.getMessage(), ex);
			if (replacement) {
				failRollout("could not start a replacement for worker " + slot.id + ": " + ex.getMessage());
				return;
			}
			slot.bootFailures++;
			slot.consecutiveFailures++;
			if (slot.bootFailures >= this.properties.getRestart().getMaxBootFailures()) {
				fail("Worker " + slot.id + " could not be started " + slot.bootFailures + " times in a row ("
						+ ex.getMessage() + ")");
				return;
			}
			slot.restartAtNanos = System.nanoTime() + this.backoff.delay(slot.consecutiveFailures).toNanos();
			return;
		}
		worker.process = process;
		worker.pid = process.pid();
		worker.requestLimit = this.recyclePolicy.requestLimit();
		this.workers.add(worker);
		if (replacement) {
			slot.replacement = worker;
		}
		else {
			slot.worker = worker;
		}
		process.onExit().whenComplete((exited, ex) -> execute(() -> onExit(worker)));
		logger.debug("Forked " + worker);
		this.events.forked(info(worker));
	}

	private void onOnline(Worker worker, IpcServer.Connection connection) {
		if (worker.state != WorkerState.FORKED) {
			connection.close();
			return;
		}
		worker.connection = connection;
		worker.state = WorkerState.ONLINE;
		worker.lastHeartbeatNanos = System.nanoTime();
		connection.send(new Frames.Welcome(this.masterPid,
				this.properties.getWorker().getHeartbeatInterval().toMillis(), worker.requestLimit));
		registerConnection(worker);
		logger.debug(capitalize(worker) + " is online");
		this.events.online(info(worker));
	}

	private void onListening(Worker worker, Frames.Listening listening) {
		if (worker.state != WorkerState.ONLINE) {
			return;
		}
		worker.state = WorkerState.LISTENING;
		worker.listeningAt = Instant.now();
		worker.listeningNanos = System.nanoTime();
		worker.host = listening.host();
		worker.port = listening.port();
		registerConnection(worker);
		logger.debug(capitalize(worker) + " is listening" + ((worker.port > 0) ? " on port " + worker.port : "")
				+ " " + millisSince(worker.forkedNanos) + "ms after fork");
		this.events.listening(info(worker));
		Slot slot = this.slots.get(worker.id);
		if (slot != null) {
			slot.bootFailures = 0;
			if (slot.replacement == worker) {
				takeOver(slot, worker);
			}
		}
		if (!this.ready && allReady()) {
			this.ready = true;
			logger.info("Cluster ready: " + this.target + " workers listening"
					+ ((this.port > 0) ? " on port " + this.port : "") + ", " + sinceJvmStart()
					+ "ms after the master's JVM started");
		}
	}

	/**
	 * A replacement is ready: it takes the slot, and the worker it replaces drains.
	 */
	private void takeOver(Slot slot, Worker replacement) {
		Worker old = slot.worker;
		slot.worker = replacement;
		slot.replacement = null;
		registerConnection(replacement);
		if (old != null) {
			ExitCause cause = (this.rollout != null) ? this.rollout.cause : ExitCause.STOPPED;
			if (this.rollout != null) {
				this.rollout.draining = old;
			}
			requestStop(old, cause);
		}
	}

	private boolean allReady() {
		for (Slot slot : this.slots.values()) {
			if (slot.worker == null || !slot.worker.isReady()) {
				return false;
			}
		}
		return true;
	}

	private void onHeartbeat(Worker worker, Frames.Heartbeat heartbeat) {
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		worker.lastHeartbeatNanos = System.nanoTime();
		worker.lastHeartbeatAt = Instant.now();
		worker.stats = new WorkerStats(heartbeat.heapUsed(), heartbeat.heapAfterGc(), heartbeat.heapMax(),
				heartbeat.requests(), heartbeat.uptimeMillis(), heartbeat.liveness(), heartbeat.readiness());
		if ("BROKEN".equals(heartbeat.liveness()) && !worker.isLeaving()) {
			kill(worker, ExitCause.UNHEALTHY, "its liveness state is BROKEN");
		}
	}

	private void onMessage(Worker worker, Frames.Message message) {
		if (message.target() == Frames.MASTER) {
			this.tally.messages++;
			this.events.message(info(worker), new ClusterMessage(worker.id, message.payload(), this.mapper));
		}
		else if (message.target() == Frames.ALL_WORKERS) {
			broadcast(message.payload(), worker.id);
		}
		else if (!send(message.target(), worker.id, message.payload())) {
			logger.debug("Dropped a message from " + worker + " to worker " + message.target()
					+ ": it is not connected");
		}
	}

	private boolean send(int workerId, int senderId, JsonNode payload) {
		IpcServer.Connection connection = this.connections.get(workerId);
		return connection != null && connection.send(new Frames.Message(senderId, workerId, payload));
	}

	private void onDisconnect(Worker worker, IpcServer.Connection connection, String reason) {
		if (worker.connection == connection) {
			worker.connection = null;
		}
		this.connections.remove(worker.id, connection);
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		logger.debug(capitalize(worker) + " disconnected: " + reason);
		disconnected(worker);
	}

	private void disconnected(Worker worker) {
		if (!worker.disconnected) {
			worker.disconnected = true;
			worker.state = WorkerState.DISCONNECTING;
			this.events.disconnected(info(worker));
			this.scrapes.forget(worker.id);
		}
	}

	private void registerConnection(Worker worker) {
		Slot slot = this.slots.get(worker.id);
		boolean serving = slot != null && (slot.worker == worker || slot.worker == null);
		if (worker.connection != null && serving && !worker.isLeaving()) {
			this.connections.put(worker.id, worker.connection);
		}
	}

	private void onExit(Worker worker) {
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		Process process = worker.process;
		int code = process.exitValue();
		this.awaitingHello.remove(worker.secret);
		disconnected(worker);
		if (worker.connection != null) {
			this.connections.remove(worker.id, worker.connection);
			worker.connection.close();
			worker.connection = null;
		}
		WorkerExit exit = classify(worker, code);
		this.tally.exited(exit.cause());
		worker.exit = exit;
		worker.state = WorkerState.EXITED;
		this.workers.remove(worker);
		Duration restartDelay = null;
		Slot slot = this.slots.get(worker.id);
		if (slot != null && slot.replacement == worker) {
			slot.replacement = null;
			slot.lastExit = exit;
			if (!exit.planned()) {
				slot.recycleNotBeforeNanos = System.nanoTime()
						+ Math.max(this.backoff.delay(++slot.consecutiveFailures).toNanos(),
								this.properties.getRestart().getResetAfter().toNanos());
				failRollout("the replacement for worker " + worker.id + " (pid " + worker.pid + ") "
						+ exit.describe() + ((slot.worker != null) ? "; " + slot.worker + " keeps serving" : ""));
			}
		}
		else if (slot != null && slot.worker == worker) {
			slot.worker = null;
			slot.lastExit = exit;
			if (slot.replacement != null) {
				// The replacement already booting takes the slot when it is ready
				restartDelay = null;
			}
			else if (exit.planned()) {
				slot.restartAtNanos = System.nanoTime();
				restartDelay = this.stopping ? null : Duration.ZERO;
			}
			else if (!this.stopping) {
				restartDelay = scheduleRestart(slot, worker, exit);
			}
		}
		logExit(worker, exit, restartDelay, slot);
		this.events.exited(info(worker), exit, restartDelay);
	}

	private @Nullable Duration scheduleRestart(Slot slot, Worker worker, WorkerExit exit) {
		long now = System.nanoTime();
		if (!worker.isReady()) {
			slot.bootFailures++;
			int limit = this.properties.getRestart().getMaxBootFailures();
			if (slot.bootFailures >= limit) {
				fail("Worker " + slot.id + " failed to boot " + slot.bootFailures + " times in a row; the last attempt"
						+ " (pid " + worker.pid + ") " + exit.describe() + " before it was ready. Its output is above"
						+ " (log lines of pid " + worker.pid + "). Fix the cause and start the application again");
				return null;
			}
		}
		else if (now - worker.listeningNanos >= this.properties.getRestart().getResetAfter().toNanos()) {
			slot.consecutiveFailures = 0;
		}
		slot.consecutiveFailures++;
		slot.restarts++;
		this.tally.restarts++;
		Duration delay = this.backoff.delay(slot.consecutiveFailures);
		slot.restartAtNanos = now + delay.toNanos();
		return delay;
	}

	private WorkerExit classify(Worker worker, int code) {
		String signal = WorkerExit.signalOf(code);
		ExitCause cause;
		if (worker.stopCause != null) {
			cause = worker.stopCause;
		}
		else if (worker.killCause != null) {
			cause = worker.killCause;
		}
		else if (code == 3 && this.exitCodeThreeIsOutOfMemory) {
			cause = ExitCause.OUT_OF_MEMORY;
		}
		else if (signal != null) {
			cause = ExitCause.KILLED;
		}
		else if (!worker.isReady()) {
			cause = ExitCause.BOOT_FAILED;
		}
		else {
			cause = ExitCause.CRASHED;
		}
		return new WorkerExit(code, signal, cause, Instant.now());
	}

	private void logExit(Worker worker, WorkerExit exit, @Nullable Duration restartDelay, @Nullable Slot slot) {
		StringBuilder message = new StringBuilder(capitalize(worker)).append(" exited: ").append(exit.describe());
		if (exit.cause() == ExitCause.KILLED && "KILL".equals(exit.signal())) {
			message.append(" (perhaps out of memory: the kernel's OOM killer sends SIGKILL)");
		}
		if (exit.cause() == ExitCause.KILLED && "ABRT".equals(exit.signal())) {
			message.append(" (a JVM crash writes hs_err_pid").append(worker.pid).append(".log)");
		}
		if (restartDelay != null && !exit.planned()) {
			message.append(", restarting in ").append(formatDuration(restartDelay));
			if (slot != null && !worker.isReady()) {
				message.append(" (boot failure ")
					.append(slot.bootFailures)
					.append(" of ")
					.append(this.properties.getRestart().getMaxBootFailures())
					.append(')');
			}
		}
		if (exit.planned()) {
			logger.info(message);
		}
		else {
			logger.warn(message);
		}
	}

	private void checkTimers() {
		this.scrapes.answerCompleted(System.nanoTime());
		recycle();
		long now = System.nanoTime();
		ClusterProperties.Worker settings = this.properties.getWorker();
		for (Worker worker : new ArrayList<>(this.workers)) {
			if (!worker.isLeaving()) {
				if (!worker.isReady() && now - worker.forkedNanos > settings.getBootTimeout().toNanos()) {
					kill(worker, ExitCause.BOOT_FAILED,
							"it was not ready within " + formatDuration(settings.getBootTimeout())
									+ " (cluster.worker.boot-timeout)");
				}
				else if ((worker.state == WorkerState.ONLINE || worker.state == WorkerState.LISTENING)
						&& now - worker.lastHeartbeatNanos > settings.getTimeout().toNanos()) {
					kill(worker, ExitCause.HUNG, "no heartbeat for " + formatDuration(settings.getTimeout())
							+ " (cluster.worker.timeout)");
				}
			}
			if (!worker.killed && worker.killAtNanos != 0 && now - worker.killAtNanos >= 0) {
				destroyForcibly(worker);
			}
			if (!worker.killed && worker.stopDeadlineNanos != 0 && now - worker.stopDeadlineNanos >= 0) {
				logger.warn(capitalize(worker) + " did not exit within "
						+ formatDuration(this.properties.getShutdownTimeout())
						+ " (cluster.shutdown-timeout); killing it");
				destroyForcibly(worker);
			}
		}
	}

	/**
	 * Replace, gracefully and one at a time, the first worker that has reached a
	 * recycling limit.
	 */
	private void recycle() {
		if (this.rollout != null || this.stopping) {
			return;
		}
		long now = System.nanoTime();
		for (Slot slot : this.slots.values()) {
			Worker worker = slot.worker;
			if (worker == null || worker.state != WorkerState.LISTENING || worker.isLeaving()
					|| slot.replacement != null || now - slot.recycleNotBeforeNanos < 0) {
				continue;
			}
			String reason = this.recyclePolicy.reason(worker, now);
			if (reason != null) {
				logger.info("Recycling " + worker + ": " + reason);
				startRollout("recycling of worker " + worker.id, ExitCause.RECYCLED, List.of(worker.id));
				return;
			}
		}
	}

	private void kill(Worker worker, ExitCause cause, String why) {
		worker.killCause = cause;
		worker.killAtNanos = System.nanoTime() + THREAD_DUMP_GRACE.toNanos();
		this.connections.remove(worker.id, worker.connection);
		logger.warn(capitalize(worker) + " is " + cause.getDescription() + ": " + why
				+ "; dumping its threads to its output and killing it");
		requestThreadDump(worker);
	}

	private void requestThreadDump(Worker worker) {
		try {
			new ProcessBuilder("kill", "-QUIT", Long.toString(worker.pid))
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			logger.debug("Could not send SIGQUIT to " + worker + " for a thread dump", ex);
		}
	}

	private void requestStop(Worker worker, ExitCause cause) {
		if (worker.state == WorkerState.EXITED || worker.stopCause != null) {
			return;
		}
		worker.stopCause = cause;
		worker.stopDeadlineNanos = System.nanoTime() + this.properties.getShutdownTimeout().toNanos();
		this.connections.remove(worker.id, worker.connection);
		disconnected(worker);
		worker.process.destroy();
	}

	private void destroyForcibly(Worker worker) {
		worker.killed = true;
		worker.process.destroyForcibly();
	}

	private void doStop(int code, String reason) {
		if (this.stopping) {
			if (System.nanoTime() - this.stopRequestedNanos < DUPLICATE_STOP_WINDOW.toNanos()) {
				logger.debug("Ignoring " + reason + ": the cluster is already stopping");
				return;
			}
			if (!this.workers.isEmpty()) {
				logger.warn("Asked to stop again (" + reason + "); killing the remaining " + this.workers.size()
						+ " workers now");
				this.workers.forEach(this::destroyForcibly);
			}
			return;
		}
		logger.info("Stopping the cluster (" + reason + "): draining " + this.workers.size() + " workers");
		this.stopping = true;
		this.stopRequestedNanos = System.nanoTime();
		this.exitCode = code;
		if (this.rollout != null) {
			finishRollout("the cluster is stopping");
		}
		for (Worker worker : new ArrayList<>(this.workers)) {
			requestStop(worker, ExitCause.STOPPED);
		}
	}

	private void fail(String message) {
		logger.error(message);
		doStop(1, "cluster failed");
	}

	private void doScale(int count) {
		int max = this.maxWorkers;
		if (count < 1 || count > max) {
			throw new IllegalArgumentException(
					"Cannot scale to " + count + " workers; the cluster runs 1.." + max + " (cluster.max-workers)");
		}
		if (this.stopping) {
			throw new ClusterBusyException("The cluster is stopping");
		}
		if (count == this.target) {
			return;
		}
		logger.info("Scaling from " + this.target + " to " + count + " workers");
		for (int id = this.target + 1; id <= count; id++) {
			this.slots.put(id, new Slot(id));
		}
		for (int id = this.target; id > count; id--) {
			Slot slot = this.slots.remove(id);
			if (this.rollout != null) {
				this.rollout.pending.remove(id);
			}
			if (slot.replacement != null) {
				requestStop(slot.replacement, ExitCause.STOPPED);
			}
			if (slot.worker != null) {
				requestStop(slot.worker, ExitCause.STOPPED);
			}
		}
		this.target = count;
		this.ready = allReady();
	}

	// ---------------------------------------------------------------- rollouts

	private RolloutStatus startRollout(String reason, ExitCause cause, List<Integer> slotIds) {
		if (this.stopping) {
			throw new ClusterBusyException("The cluster is stopping");
		}
		if (this.rollout != null) {
			throw new ClusterBusyException("A rolling replacement (" + this.rollout.reason
					+ ") is already running; wait for it to finish");
		}
		Rollout rollout = new Rollout(reason, cause, slotIds);
		this.rollout = rollout;
		logger.info("Starting rolling " + reason + " (" + slotIds.size() + " worker"
				+ ((slotIds.size() != 1) ? "s" : "") + ")");
		advanceRollout();
		return rollout.status(null, null);
	}

	private void advanceRollout() {
		Rollout rollout = this.rollout;
		if (rollout == null || this.stopping) {
			return;
		}
		if (rollout.current != null) {
			Slot slot = this.slots.get(rollout.current);
			if (slot != null && slot.replacement != null) {
				return;
			}
			if (rollout.draining != null && rollout.draining.state != WorkerState.EXITED) {
				return;
			}
			rollout.replaced.add(rollout.current);
			rollout.current = null;
			rollout.draining = null;
		}
		Integer next;
		while ((next = rollout.pending.poll()) != null) {
			Slot slot = this.slots.get(next);
			if (slot == null) {
				continue;
			}
			rollout.current = next;
			if (slot.worker == null) {
				// Restarting anyway; its next worker runs the new build
				continue;
			}
			spawn(slot, true);
			return;
		}
		if (rollout.current == null) {
			finishRollout(null);
		}
	}

	private void failRollout(String failure) {
		logger.error("Rolling " + ((this.rollout != null) ? this.rollout.reason : "replacement") + " stopped: "
				+ failure);
		finishRollout(failure);
	}

	private void finishRollout(@Nullable String failure) {
		Rollout rollout = this.rollout;
		if (rollout == null) {
			return;
		}
		this.rollout = null;
		this.lastRollout = rollout.status(Instant.now(), failure);
		if (failure != null) {
			this.tally.rolloutsFailed++;
		}
		else {
			this.tally.rolloutsCompleted++;
			logger.info("Rolling " + rollout.reason + " complete: " + rollout.replaced.size() + " replaced in "
					+ Duration.between(rollout.startedAt, Instant.now()).toMillis() + "ms");
		}
	}

	// ---------------------------------------------------------------- worker requests

	private void onRequest(Worker worker, IpcServer.Connection connection, Frames.Request request) {
		try {
			switch (request.action()) {
				case SCALE -> {
					if (request.count() == null) {
						throw new IllegalArgumentException("Say how many workers to run");
					}
					doScale(request.count());
					reply(connection, request, 200, "Scaling to " + request.count() + " workers");
				}
				case RESTART -> {
					RolloutStatus status = startRollout("restart", ExitCause.STOPPED,
							new ArrayList<>(this.slots.keySet()));
					reply(connection, request, 202, "Rolling restart of " + status.pending().size() + " workers started");
				}
				case REPLACE -> {
					Integer id = request.workerId();
					if (id == null || !this.slots.containsKey(id)) {
						throw new NoSuchWorkerException((id != null) ? id : 0, this.target);
					}
					startRollout("replacement of worker " + id, ExitCause.STOPPED, List.of(id));
					reply(connection, request, 202, "Replacing worker " + id);
				}
				case SCRAPE -> gatherScrapes(worker, connection, request);
			}
		}
		catch (NoSuchWorkerException ex) {
			reply(connection, request, 404, ex.getMessage());
		}
		catch (ClusterBusyException ex) {
			reply(connection, request, 409, ex.getMessage());
		}
		catch (IllegalArgumentException ex) {
			reply(connection, request, 400, ex.getMessage());
		}
	}

	private static void reply(IpcServer.Connection connection, Frames.Request request, int status, String message) {
		connection.send(new Frames.Reply(request.id(), status, message, null));
	}

	private void gatherScrapes(Worker requester, IpcServer.Connection connection, Frames.Request request) {
		List<Worker> others = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			if (slot.worker != null && slot.worker != requester) {
				others.add(slot.worker);
			}
		}
		this.scrapes.start(connection, request, others,
				System.nanoTime() + this.properties.getMetrics().getScrapeTimeout().toNanos());
	}

	/**
	 * Send the snapshot to every connected worker when what it shows changed (a worker's
	 * state, the target, a rollout, a stop), and at least once per heartbeat interval.
	 */
	private void pushState() {
		ClusterSnapshot snapshot = this.snapshot;
		List<Object> shape = new ArrayList<>();
		for (WorkerInfo worker : snapshot.workers()) {
			shape.add(worker.pid());
			shape.add(worker.state());
		}
		shape.add(snapshot.targetWorkers());
		shape.add(snapshot.stopping());
		shape.add(Objects.requireNonNullElse(snapshot.rollout(), ""));
		long now = System.nanoTime();
		if (shape.equals(this.lastShape)
				&& now - this.statePushedNanos < this.properties.getWorker().getHeartbeatInterval().toNanos()) {
			return;
		}
		this.lastShape = shape;
		this.statePushedNanos = now;
		ByteBuffer frame;
		try {
			frame = this.codec.encode(new Frames.State(snapshot));
		}
		catch (FrameCodec.FrameTooLargeException ex) {
			logger.warn("Could not tell the workers the cluster's state: " + ex.getMessage());
			return;
		}
		for (Worker worker : this.workers) {
			if (worker.connection != null) {
				worker.connection.sendEncoded(frame.duplicate());
			}
		}
	}

	// ---------------------------------------------------------------- views

	private WorkerInfo info(Worker worker) {
		Slot slot = this.slots.get(worker.id);
		return (slot != null) ? worker.toInfo(slot.restarts, slot.lastExit) : worker.toInfo(0, null);
	}

	private void publishSnapshot() {
		List<WorkerInfo> infos = new ArrayList<>(this.workers.size());
		for (Worker worker : this.workers) {
			infos.add(info(worker));
		}
		infos.sort(Comparator.comparingInt(WorkerInfo::id).thenComparing(WorkerInfo::forkedAt));
		RolloutStatus rolloutStatus = (this.rollout != null) ? this.rollout.status(null, null) : this.lastRollout;
		this.snapshot = new ClusterSnapshot(this.masterPid, this.startedAt, this.port, this.target, this.stopping,
				List.copyOf(infos), rolloutStatus, this.maxWorkers, this.tally.snapshot(), Instant.now(), portSharing(),
				this.tcpMigrateReq);
	}

	private String portSharing() {
		return (this.port > 0) ? "reuseport" : "none";
	}

	private static String capitalize(Worker worker) {
		return "Worker " + worker.id + " (pid " + worker.pid + ")";
	}

	private static long sinceJvmStart() {
		return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
	}

	private static long millisSince(long nanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
	}

	static String formatDuration(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 != 0 || millis == 0) {
			return millis + "ms";
		}
		return (millis / 1000) + "s";
	}

}
