package io.clusterboot.supervisor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

import tools.jackson.databind.JsonNode;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.launch.WorkerProcess;
import io.clusterboot.internal.launch.WorkerProcesses;
import io.clusterboot.internal.worker.WorkerEnvironment;
import io.clusterboot.server.TcpMigrateReq;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ConnectionStats;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

/**
 * Runs the cluster: forks workers, watches them, restarts the ones that die, replaces
 * them one by one on request and stops them all at the end. One thread, the one that
 * calls {@link #run()}, owns every worker and repeats one loop, after the model of
 * gunicorn's arbiter: handle the queued commands, check the deadlines, move toward the
 * target, publish the state. Everything else (the channel to the workers, signals, the
 * public methods here) only queues commands for it.
 *
 * @since 0.1.0
 */
public final class ClusterSupervisor {

	private static final Log logger = LogFactory.getLog(ClusterSupervisor.class);

	static final long TICK_MILLIS = 200;

	private static final int MAX_COMMANDS_PER_TURN = 1000;

	private static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(2);

	/**
	 * Stop requests this close to the first one are the same request: one Ctrl-C under
	 * {@code mvn spring-boot:run} brings SIGINT to the whole process group and, a moment
	 * later, SIGTERM from Maven.
	 */
	private static final Duration DUPLICATE_STOP_WINDOW = Duration.ofSeconds(2);

	private final SupervisorSettings settings;

	private final WorkerProcesses processes;

	private final SupervisorListener listener;

	private final SupervisorClock clock;

	private final int port;

	private final @Nullable Integer tcpMigrateReq;

	private final ExitClassifier exits;

	private final RecyclePolicy recyclePolicy;

	private final RestartPolicy restarts;

	private final Watchdog watchdog;

	private final WorkerChannel channel;

	private final @Nullable ConnectionRouter router;

	/**
	 * How many workers of the slots may boot at once: the next one is forked as soon as
	 * one is ready.
	 */
	private final int bootConcurrency;

	private final int processors;

	private final StatePublisher state;

	private final Rollouts rollouts;

	private final ClusterTally tally = new ClusterTally();

	private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();

	private final SecureRandom random = new SecureRandom();

	private final long masterPid = ProcessHandle.current().pid();

	private final Instant startedAt;

	private final CountDownLatch finished = new CountDownLatch(1);

	private final TreeMap<Integer, Slot> slots = new TreeMap<>();

	private final List<SupervisedWorker> workers = new ArrayList<>();

	/**
	 * The hot spares not yet promoted, booting or standing by; each is in
	 * {@link #workers} too.
	 */
	private final List<SupervisedWorker> spares = new ArrayList<>();

	/**
	 * Spares in a row that exited unplanned before they were promoted.
	 */
	private int spareFailures;

	/**
	 * When to boot the next spare after one failed, in {@link SupervisorClock#nanoTime()}
	 * terms.
	 */
	private long nextSpareAtNanos;

	/**
	 * Whether spares failed so often in a row that the cluster runs without them.
	 */
	private boolean sparesGivenUp;

	private int target;

	private boolean stopping;

	private long stopRequestedNanos;

	private int exitCode;

	/**
	 * Whether every slot has had a ready worker since the start.
	 */
	private boolean ready;

	/**
	 * Whether any worker has ever been ready: from then on a slot that cannot boot backs
	 * off instead of stopping the cluster.
	 */
	private boolean served;

	/**
	 * Whether every slot has had a worker forked since the start.
	 */
	private boolean allForked;

	/**
	 * Create a supervisor.
	 * @param settings how to run the workers
	 * @param processes starts worker processes
	 * @param listener hears of the workers' lifecycle and messages
	 * @param codec encodes frames for the workers
	 * @param port the port the workers share, or {@code -1}
	 * @param exitCodeThreeIsOutOfMemory whether workers run with
	 * {@code -XX:+ExitOnOutOfMemoryError}, so that exit code 3 means out of memory
	 */
	public ClusterSupervisor(SupervisorSettings settings, WorkerProcesses processes, SupervisorListener listener,
			FrameCodec codec, int port, boolean exitCodeThreeIsOutOfMemory) {
		this(settings, processes, listener, codec, port, exitCodeThreeIsOutOfMemory, null);
	}

	/**
	 * Create a supervisor whose master hands connections to the workers itself.
	 * @param settings how to run the workers
	 * @param processes starts worker processes
	 * @param listener hears of the workers' lifecycle and messages
	 * @param codec encodes frames for the workers
	 * @param port the cluster's public port, or {@code -1}
	 * @param exitCodeThreeIsOutOfMemory whether workers run with
	 * {@code -XX:+ExitOnOutOfMemoryError}, so that exit code 3 means out of memory
	 * @param router hands the connections to the workers, or {@code null} if each worker
	 * listens on the shared port itself
	 */
	public ClusterSupervisor(SupervisorSettings settings, WorkerProcesses processes, SupervisorListener listener,
			FrameCodec codec, int port, boolean exitCodeThreeIsOutOfMemory, @Nullable ConnectionRouter router) {
		this(settings, processes, listener, codec, port, new ExitClassifier(exitCodeThreeIsOutOfMemory),
				(port > 0) ? TcpMigrateReq.read() : null, SupervisorClock.SYSTEM, router,
				Runtime.getRuntime().availableProcessors());
	}

	ClusterSupervisor(SupervisorSettings settings, WorkerProcesses processes, SupervisorListener listener,
			FrameCodec codec, int port, ExitClassifier exits, @Nullable Integer tcpMigrateReq, SupervisorClock clock,
			@Nullable ConnectionRouter router, int processors) {
		this.settings = settings;
		this.processors = processors;
		this.bootConcurrency = (settings.bootConcurrency() > 0) ? settings.bootConcurrency()
				: bootConcurrency(processors);
		this.router = router;
		this.processes = processes;
		this.listener = listener;
		this.clock = clock;
		this.port = port;
		this.tcpMigrateReq = tcpMigrateReq;
		this.exits = exits;
		this.startedAt = clock.now();
		this.recyclePolicy = new RecyclePolicy(settings.recycling(), settings.restart().resetAfter());
		this.restarts = new RestartPolicy(settings.restart(), this.tally, clock);
		this.watchdog = new Watchdog(settings.bootTimeout(), settings.hangTimeout());
		this.channel = new WorkerChannel(this, codec, listener, settings.messageCredit());
		this.rollouts = new Rollouts(new RolloutHost(), this.recyclePolicy, this.tally, clock);
		this.target = settings.workers();
		if (this.target > settings.maxWorkers()) {
			logger.warn("cluster.workers asks for " + this.target + " workers, more than cluster.max-workers ("
					+ settings.maxWorkers() + "); running " + settings.maxWorkers());
			this.target = settings.maxWorkers();
		}
		this.state = new StatePublisher(codec, settings.heartbeatInterval(), takeSnapshot());
	}

	// ---------------------------------------------------------------- public API

	/**
	 * Supervise the cluster until it stops. Call once, from the thread that is to own the
	 * cluster (the master's main thread).
	 * @return the master's exit code: 0 after a requested stop, non-zero if the cluster
	 * failed
	 */
	public int run() {
		return run(() -> {
		});
	}

	/**
	 * Supervise the cluster until it stops, starting what the workers do not need once
	 * the first of them are forked. Call once, from the thread that is to own the cluster
	 * (the master's main thread).
	 * @param started runs on this thread right after the first workers are forked, and
	 * must return at once
	 * @return the master's exit code: 0 after a requested stop, non-zero if the cluster
	 * failed
	 */
	public int run(Runnable started) {
		start();
		started.run();
		try {
			while (turn(nextWakeupMillis())) {
				// One turn of the loop after another until every worker has exited
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			logger.warn("Supervisor interrupted; killing all workers");
			this.workers.forEach(this::destroyForcibly);
			this.exitCode = 1;
		}
		finally {
			finish();
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
	 * Whether {@link #run()} has returned.
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
		return this.state.snapshot();
	}

	/**
	 * The live workers.
	 * @return the workers, by id
	 */
	public List<WorkerInfo> workers() {
		return snapshot().workers();
	}

	/**
	 * Run {@code count} workers: new slots are forked, the highest slots above the count
	 * are drained and removed.
	 * @param count the new number of workers
	 * @return completes once the change is under way; exceptionally with an
	 * {@link IllegalArgumentException} for a count out of range, or a
	 * {@link ClusterBusyException} while the cluster stops
	 */
	public CompletableFuture<ClusterSnapshot> scale(int count) {
		return call(() -> {
			doScale(count);
			publish();
			return snapshot();
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
	 * @return completes once the replacement is under way; exceptionally with a
	 * {@link NoSuchWorkerException} or a {@link ClusterBusyException}
	 */
	public CompletableFuture<RolloutStatus> restart(int workerId) {
		return call(() -> {
			if (!this.slots.containsKey(workerId)) {
				throw new NoSuchWorkerException(workerId, this.target);
			}
			return this.rollouts.start("replacement of worker " + workerId, ExitCause.STOPPED, List.of(workerId));
		});
	}

	/**
	 * Replace every worker, one at a time, never running fewer than the target number of
	 * ready workers.
	 * @return completes once the rollout is under way; exceptionally with a
	 * {@link ClusterBusyException} if a rollout is already running
	 */
	public CompletableFuture<RolloutStatus> rollingRestart() {
		return call(() -> {
			if (!this.stopping && !this.rollouts.running()) {
				// A rolling restart deploys what is on disk now: a spare booted before it
				// may run the previous build, so it is never promoted; new spares boot
				// once the restart is done
				retireSpares("a rolling restart deploys what is on disk now");
			}
			return this.rollouts.start("restart", ExitCause.STOPPED, new ArrayList<>(this.slots.keySet()));
		});
	}

	/**
	 * Send a message to one worker.
	 * @param workerId the worker's id
	 * @param payload the message as JSON
	 * @return {@code false} if that worker is not connected or has stopped reading
	 */
	public boolean send(int workerId, JsonNode payload) {
		return this.channel.send(Frames.MASTER, workerId, payload);
	}

	/**
	 * Send a message to every connected worker.
	 * @param payload the message as JSON
	 * @return the number of workers it was handed to
	 */
	public int sendToAll(JsonNode payload) {
		return this.channel.broadcast(Frames.MASTER, payload);
	}

	/**
	 * The handler of the IPC server the workers connect to.
	 * @return the channel
	 */
	public IpcServer.Handler channel() {
		return this.channel;
	}

	// ---------------------------------------------------------------- the loop

	/**
	 * Fork the first workers, unless a stop came first.
	 */
	void start() {
		long now = this.clock.nanoTime();
		for (int id = 1; id <= this.target; id++) {
			this.slots.put(id, new Slot(id, now));
		}
		runCommands(null);
		maintain();
		if (!this.stopping && !this.allForked) {
			int forked = (int) this.slots.values().stream().filter((slot) -> slot.worker != null).count();
			logger.info("Forked " + forked + " of " + this.target + " workers" + where() + ", " + sinceJvmStart()
					+ "ms after the master's JVM started (master pid " + this.masterPid + "); the others start as "
					+ "these become ready, " + this.bootConcurrency + " at a time on " + this.processors + " processor"
					+ ((this.processors != 1) ? "s" : ""));
		}
		if (this.port > 0 && this.router == null && Integer.valueOf(0).equals(this.tcpMigrateReq)) {
			logger.info("net.ipv4.tcp_migrate_req is 0: connections still waiting to be accepted by a worker "
					+ "that stops are reset instead of handed to another worker. To lose none during restarts, "
					+ "run 'sysctl -w net.ipv4.tcp_migrate_req=1' (as root; make it permanent in /etc/sysctl.d/)");
		}
		publish();
	}

	/**
	 * One turn of the loop: handle commands (waiting for the first up to
	 * {@code waitMillis}), check deadlines, move toward the target, publish.
	 * @param waitMillis how long to wait for a command
	 * @return {@code false} once the cluster has stopped and every worker has exited
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean turn(long waitMillis) throws InterruptedException {
		runCommands(this.commands.poll(waitMillis, TimeUnit.MILLISECONDS));
		checkDeadlines();
		maintain();
		publish();
		return !(this.stopping && this.workers.isEmpty());
	}

	void finish() {
		this.rollouts.finish("the cluster stopped");
		publish();
		this.finished.countDown();
	}

	private void runCommands(@Nullable Runnable first) {
		Runnable command = first;
		for (int handled = 0; handled < MAX_COMMANDS_PER_TURN; handled++) {
			if (command == null && (command = this.commands.poll()) == null) {
				return;
			}
			try {
				command.run();
			}
			catch (RuntimeException ex) {
				logger.error("Supervisor command failed; carrying on", ex);
			}
			command = null;
		}
	}

	void execute(Runnable command) {
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

	/**
	 * How long the loop may wait for a command: until the next slot is due a worker, or a
	 * tick. A slot waiting for its turn to boot is not due: a worker that becomes ready, or
	 * exits, is a command that wakes the loop.
	 */
	long nextWakeupMillis() {
		long wakeup = TICK_MILLIS;
		long now = this.clock.nanoTime();
		boolean mayBoot = booting() < this.bootConcurrency;
		for (Slot slot : this.slots.values()) {
			if (slot.isEmpty() && !this.stopping && mayBoot) {
				wakeup = Math.min(wakeup, Math.max(0, TimeUnit.NANOSECONDS.toMillis(slot.restartAtNanos - now)));
			}
		}
		return wakeup;
	}

	/**
	 * Start the workers whose slots are due one, and move a rollout on.
	 */
	private void maintain() {
		long now = this.clock.nanoTime();
		int booting = booting();
		for (Slot slot : this.slots.values()) {
			if (this.stopping) {
				return;
			}
			if (slot.isEmpty() && now - slot.restartAtNanos >= 0 && booting < this.bootConcurrency) {
				fill(slot, false);
				if (slot.worker != null) {
					booting++;
				}
			}
		}
		if (!this.allForked && !this.stopping
				&& this.slots.values().stream().allMatch((slot) -> slot.worker != null || slot.lastExit != null)) {
			this.allForked = true;
			logger.info("Forked " + this.target + " workers" + where() + ", " + sinceJvmStart()
					+ "ms after the master's JVM started (master pid " + this.masterPid + ")");
		}
		this.rollouts.advance();
		maintainSpares(now);
	}

	/**
	 * How many workers of the slots are booting: forked, not ready yet, not leaving.
	 */
	private int booting() {
		int booting = 0;
		for (Slot slot : this.slots.values()) {
			if (slot.worker != null && !slot.worker.isReady() && !slot.worker.isLeaving()) {
				booting++;
			}
		}
		return booting;
	}

	private String where() {
		if (this.port <= 0) {
			return "";
		}
		return (this.router != null) ? " behind the master's proxy on port " + this.port : " sharing port " + this.port;
	}

	/**
	 * How many workers boot at once on a machine with {@code processors} processors: one
	 * per two processors, so that the first of them serves soonest. A booting JVM keeps
	 * about two processors busy (its main thread, the JIT's compiler threads and the
	 * collector's), so more JVMs than that only share the same processors: on two, a
	 * cluster of 2 had its first worker serving after 6.3 s booting one after the other,
	 * against 7.4 s booting both at once, and every worker after 9.5 s against 7.6 s
	 * (bench/README.md, "Start order").
	 * @param processors the processors available to the JVM
	 * @return the number of workers to boot at once, at least 1
	 */
	static int bootConcurrency(int processors) {
		return Math.max(1, processors / 2);
	}

	private void checkDeadlines() {
		long now = this.clock.nanoTime();
		this.channel.answerCompletedScrapes(now);
		this.rollouts.recycle();
		for (SupervisedWorker worker : new ArrayList<>(this.workers)) {
			Watchdog.Overrun overrun = worker.isLeaving() ? null : this.watchdog.check(worker, now);
			if (overrun != null) {
				kill(worker, overrun.cause(), overrun.why());
			}
			if (!worker.killed && worker.killAtNanos != 0 && now - worker.killAtNanos >= 0) {
				destroyForcibly(worker);
			}
			if (!worker.killed && worker.stopDeadlineNanos != 0 && now - worker.stopDeadlineNanos >= 0) {
				logger.warn(StringUtils.capitalize(worker.toString()) + " did not exit within "
						+ ExitClassifier.formatDuration(this.settings.shutdownTimeout())
						+ " (cluster.shutdown-timeout); killing it");
				destroyForcibly(worker);
			}
		}
	}

	private void publish() {
		this.state.publish(takeSnapshot());
		ByteBuffer frame = this.state.due(this.clock.nanoTime());
		if (frame != null) {
			this.channel.sendToAll(frame, this.workers);
		}
	}

	// ---------------------------------------------------------------- workers' lives

	/**
	 * Give a slot a new worker, or a replacement for its worker: a spare standing by if
	 * there is one, else a new process.
	 */
	private void fill(Slot slot, boolean replacement) {
		SupervisedWorker spare = promotableSpare();
		if (spare != null && promote(spare, slot, replacement)) {
			return;
		}
		spawn(slot, replacement);
	}

	private void spawn(Slot slot, boolean replacement) {
		SupervisedWorker worker;
		try {
			worker = launch(slot.id, slot.id);
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not start worker " + slot.id + ": " + ex.getMessage(), ex);
			if (replacement) {
				this.rollouts.fail("could not start a replacement for worker " + slot.id + ": " + ex.getMessage());
			}
			else {
				failedToStart(slot, "could not be started (" + ex.getMessage() + ")");
			}
			return;
		}
		if (replacement) {
			slot.replacement = worker;
		}
		else {
			slot.worker = worker;
		}
	}

	/**
	 * Start a worker process.
	 * @param id its slot id, or 0 for a spare
	 * @param launchId the number its JVM options are rewritten with
	 * @return the worker
	 */
	private SupervisedWorker launch(int id, int launchId) throws IOException {
		byte[] secretBytes = new byte[32];
		this.random.nextBytes(secretBytes);
		SupervisedWorker worker = new SupervisedWorker(id,
				Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes), this.clock.now(),
				this.clock.nanoTime());
		worker.launchId = launchId;
		this.channel.expect(worker);
		WorkerProcess process;
		try {
			// Heap shares count the spares: they are JVMs of the cluster too
			process = this.processes.start(launchId, this.target + this.settings.spares(), Map
				.of(WorkerEnvironment.WORKER_ID, Integer.toString(id), WorkerEnvironment.MASTER_SECRET, worker.secret));
		}
		catch (IOException | RuntimeException ex) {
			this.channel.forget(worker);
			throw ex;
		}
		worker.process = process;
		worker.pid = process.pid();
		worker.requestLimit = this.recyclePolicy.requestLimit();
		this.workers.add(worker);
		process.onExit((code) -> execute(() -> onExit(worker, code)));
		logger.debug("Forked " + worker);
		this.listener.forked(info(worker));
		return worker;
	}

	// ---------------------------------------------------------------- hot spares

	/**
	 * Boot a spare when one is missing, once every slot has served, while no worker of
	 * the slots boots (a spare never delays capacity) and no rollout runs.
	 */
	private void maintainSpares(long now) {
		if (this.stopping || this.sparesGivenUp || !this.ready || booting() > 0 || this.rollouts.running()
				|| this.spares.size() >= this.settings.spares() || now - this.nextSpareAtNanos < 0) {
			return;
		}
		for (SupervisedWorker spare : this.spares) {
			if (!spare.isWaitingForPromotion()) {
				// One spare boots at a time
				return;
			}
		}
		try {
			this.spares.add(launch(0, spareLaunchId()));
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Could not start a spare worker: " + ex.getMessage(), ex);
			spareFailed();
		}
	}

	/**
	 * The lowest number above {@code cluster.max-workers} that no live worker was
	 * launched with, so that spares never share a debug or JMX port.
	 */
	private int spareLaunchId() {
		int launchId = this.settings.maxWorkers() + 1;
		while (true) {
			int candidate = launchId;
			if (this.workers.stream().noneMatch((worker) -> worker.launchId == candidate)) {
				return candidate;
			}
			launchId++;
		}
	}

	private @Nullable SupervisedWorker promotableSpare() {
		for (SupervisedWorker spare : this.spares) {
			if (spare.isPromotable()) {
				return spare;
			}
		}
		return null;
	}

	/**
	 * Make a spare the worker, or the replacement, of a slot: it takes the slot's id and
	 * starts its application.
	 * @return {@code false} if it could not be told
	 */
	private boolean promote(SupervisedWorker spare, Slot slot, boolean replacement) {
		if (!this.channel.promote(spare, slot.id)) {
			requestStop(spare, ExitCause.STOPPED);
			return false;
		}
		this.spares.remove(spare);
		spare.id = slot.id;
		spare.bootStartedNanos = this.clock.nanoTime();
		if (replacement) {
			slot.replacement = spare;
		}
		else {
			slot.worker = spare;
		}
		logger.info("Promoted the spare (pid " + spare.pid + ") to worker " + slot.id
				+ ((replacement && slot.worker != null) ? ", replacing " + slot.worker : "") + ", after it stood by "
				+ TimeUnit.NANOSECONDS.toSeconds(this.clock.nanoTime() - spare.standingByNanos) + "s");
		return true;
	}

	/**
	 * A spare has booted and waits for promotion.
	 */
	void onStandingBy(SupervisedWorker worker, Frames.StandingBy standingBy) {
		if (worker.state != WorkerState.ONLINE || worker.isLeaving() || !this.spares.contains(worker)) {
			return;
		}
		worker.state = WorkerState.SPARE;
		worker.standingByNanos = this.clock.nanoTime();
		this.spareFailures = 0;
		logger.info("A spare worker (pid " + worker.pid + ") stands by, booted in " + standingBy.bootMillis()
				+ "ms; it takes over the next slot that needs a worker");
	}

	/**
	 * Stop every spare not yet promoted.
	 */
	private void retireSpares(String why) {
		for (SupervisedWorker spare : new ArrayList<>(this.spares)) {
			logger.info("Stopping " + spare + ": " + why);
			requestStop(spare, ExitCause.STOPPED);
		}
		this.spares.clear();
	}

	private void spareFailed() {
		this.spareFailures++;
		if (this.spareFailures >= this.restarts.maxBootFailures()) {
			this.sparesGivenUp = true;
			logger.warn(this.spareFailures + " spares in a row failed before they were promoted "
					+ "(cluster.restart.max-boot-failures); the cluster runs without spares from now on. Their "
					+ "output is above");
			return;
		}
		Duration delay = this.settings.restart().backoff().delay(this.spareFailures);
		this.nextSpareAtNanos = this.clock.nanoTime() + delay.toNanos();
		logger.warn("The next spare boots in " + ExitClassifier.formatDuration(delay));
	}

	void onOnline(SupervisedWorker worker, IpcPeer connection) {
		if (worker.state != WorkerState.FORKED) {
			connection.close();
			return;
		}
		worker.connection = connection;
		worker.state = WorkerState.ONLINE;
		worker.lastHeartbeatNanos = this.clock.nanoTime();
		this.channel.welcome(worker, connection, this.settings.heartbeatInterval().toMillis());
		if (isServing(worker)) {
			this.channel.serve(worker);
		}
		logger.debug(StringUtils.capitalize(worker.toString()) + " is online");
		this.listener.online(info(worker));
	}

	void onListening(SupervisedWorker worker, Frames.Listening listening) {
		boolean booting = worker.state == WorkerState.ONLINE
				|| (worker.state == WorkerState.SPARE && !worker.isWaitingForPromotion());
		if (!booting || worker.isLeaving()) {
			// Too late: the master is already killing it (for its boot timeout, say)
			return;
		}
		worker.state = WorkerState.LISTENING;
		worker.listeningAt = this.clock.now();
		worker.listeningNanos = this.clock.nanoTime();
		worker.host = listening.host();
		worker.port = listening.port();
		if (this.router != null && worker.port > 0) {
			this.router.route(worker.pid, worker.port, listening.managementPort());
		}
		logger.debug(StringUtils.capitalize(worker.toString()) + " is listening"
				+ ((worker.port > 0) ? " on port " + worker.port : "") + " "
				+ TimeUnit.NANOSECONDS.toMillis(worker.listeningNanos - worker.forkedNanos) + "ms after fork");
		this.listener.listening(info(worker));
		this.served = true;
		Slot slot = this.slots.get(worker.id);
		if (slot != null) {
			if (slot.failedBoots > 0 && this.ready) {
				logger.info(StringUtils.capitalize(worker.toString()) + " is serving again after " + slot.failedBoots
						+ " failed boot" + ((slot.failedBoots != 1) ? "s" : ""));
			}
			slot.failedBoots = 0;
			if (slot.replacement == worker) {
				takeOver(slot, worker);
			}
			else if (slot.worker == worker) {
				this.channel.serve(worker);
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
	private void takeOver(Slot slot, SupervisedWorker replacement) {
		SupervisedWorker old = slot.worker;
		slot.worker = replacement;
		slot.replacement = null;
		this.channel.serve(replacement);
		if (old != null) {
			requestStop(old, this.rollouts.draining(old));
		}
	}

	void onHeartbeat(SupervisedWorker worker, Frames.Heartbeat heartbeat) {
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		worker.lastHeartbeatNanos = this.clock.nanoTime();
		worker.lastHeartbeatAt = this.clock.now();
		worker.stats = new WorkerStats(heartbeat.heapUsed(), heartbeat.heapAfterGc(), heartbeat.heapMax(),
				heartbeat.requests(), heartbeat.requestsInFlight(), heartbeat.sinceRequestCompletedMillis(),
				heartbeat.messagesRefused(), heartbeat.uptimeMillis(), heartbeat.liveness(), heartbeat.readiness());
		if ("BROKEN".equals(heartbeat.liveness()) && !worker.isLeaving()) {
			kill(worker, ExitCause.UNHEALTHY, "its liveness state is BROKEN");
		}
	}

	void onDisconnect(SupervisedWorker worker, IpcPeer connection, String reason) {
		this.channel.unserve(worker);
		if (worker.connection == connection) {
			worker.connection = null;
		}
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		logger.debug(StringUtils.capitalize(worker.toString()) + " disconnected: " + reason);
		if (!worker.isLeaving()) {
			// On its way out by itself (a worker that loses its master shuts down): it gets
			// the time a stop gets, then it is killed
			worker.stopDeadlineNanos = this.clock.nanoTime() + this.settings.shutdownTimeout().toNanos();
			if (!worker.exiting) {
				worker.killCause = ExitCause.DISCONNECTED;
			}
		}
		disconnected(worker);
	}

	private void disconnected(SupervisedWorker worker) {
		stopRouting(worker);
		if (!worker.disconnected) {
			worker.disconnected = true;
			worker.state = WorkerState.DISCONNECTING;
			this.channel.forget(worker);
			this.listener.disconnected(info(worker));
		}
	}

	private void onExit(SupervisedWorker worker, int code) {
		if (worker.state == WorkerState.EXITED) {
			return;
		}
		if (worker.killCause == ExitCause.DISCONNECTED && !worker.killed
				&& (worker.exiting || this.exits.signalOf(code) != null)) {
			// Its channel closed because it died or exited: the exit code says why
			worker.killCause = null;
		}
		disconnected(worker);
		this.channel.unserve(worker);
		if (worker.connection != null) {
			worker.connection.close();
			worker.connection = null;
		}
		WorkerExit exit = this.exits.classify(worker, code, this.clock.now());
		this.tally.exited(exit.cause());
		worker.exit = exit;
		worker.state = WorkerState.EXITED;
		this.workers.remove(worker);
		if (this.spares.remove(worker)) {
			spareExited(worker, exit);
			return;
		}
		Duration restartDelay = null;
		boolean spareTakesOver = false;
		Slot slot = this.slots.get(worker.id);
		if (slot != null && slot.replacement == worker) {
			slot.replacement = null;
			slot.lastExit = exit;
			if (!exit.planned()) {
				slot.recycleNotBeforeNanos = this.clock.nanoTime()
						+ Math.max(this.settings.restart().backoff().delay(++slot.consecutiveFailures).toNanos(),
								this.settings.restart().resetAfter().toNanos());
				this.rollouts.fail("the replacement for " + worker + " " + exit.describe()
						+ ((slot.worker != null) ? "; " + slot.worker + " keeps serving" : ""));
			}
		}
		else if (slot != null && slot.worker == worker) {
			slot.worker = null;
			slot.lastExit = exit;
			if (slot.replacement == null && !this.stopping) {
				restartDelay = exit.planned() ? Duration.ZERO : scheduleRestart(slot, worker, exit);
				spareTakesOver = restartDelay != null && !exit.planned() && slot.consecutiveFailures == 1
						&& promotableSpare() != null;
				if (restartDelay != null && (exit.planned() || spareTakesOver)) {
					// The restart delay slows a crash loop down, and the first crash in a row is
					// not one: a spare standing by takes the slot over at once
					restartDelay = Duration.ZERO;
					slot.restartAtNanos = this.clock.nanoTime();
				}
			}
		}
		String line = this.exits.describe(worker, exit, spareTakesOver ? null : restartDelay,
				(slot != null) ? slot.failedBoots : 0, this.restarts.maxBootFailures(), this.served)
				+ (spareTakesOver ? ", and the spare standing by takes its place at once" : "");
		if (exit.planned()) {
			logger.info(line);
		}
		else {
			logger.warn(line);
		}
		this.listener.exited(info(worker), exit, restartDelay);
		giveUpIfNothingCanServe(worker, exit);
	}

	private void spareExited(SupervisedWorker spare, WorkerExit exit) {
		WorkerInfo info = info(spare);
		String line = this.exits.describe(spare, exit, null, 0, this.restarts.maxBootFailures(), this.served);
		if (exit.planned()) {
			logger.info(line);
		}
		else {
			logger.warn(line + ((spare.startFailure != null) ? "" : ", before it was promoted"));
			spareFailed();
		}
		this.listener.exited(info, exit, null);
	}

	private @Nullable Duration scheduleRestart(Slot slot, SupervisedWorker worker, WorkerExit exit) {
		Duration delay = this.restarts.afterExit(slot, worker, exit);
		if (!this.served && this.restarts.exhausted(slot)) {
			fail("Worker " + slot.id + " failed to boot " + slot.failedBoots + " times in a row; the last attempt"
					+ " (pid " + worker.pid + ") " + exit.describe() + " before it was ready. Its output is above"
					+ " (log lines of pid " + worker.pid + ")"
					+ ((worker.startFailure != null) ? "; it failed with " + worker.startFailure : "")
					+ ". Fix the cause and start the application again");
			return null;
		}
		return delay;
	}

	private void failedToStart(Slot slot, String what) {
		Duration delay = this.restarts.afterFailedStart(slot);
		if (!this.served && this.restarts.exhausted(slot)) {
			fail("Worker " + slot.id + " " + what + " " + slot.failedBoots + " times in a row");
			return;
		}
		logger.warn("Worker " + slot.id + " " + what + ", trying again in " + ExitClassifier.formatDuration(delay));
		giveUpIfNothingCanServe(null, null);
	}

	/**
	 * Once the cluster has served, stop it only when no worker serves and every slot has
	 * failed to boot as often as {@code cluster.restart.max-boot-failures} allows.
	 */
	private void giveUpIfNothingCanServe(@Nullable SupervisedWorker last, @Nullable WorkerExit exit) {
		if (this.served && !this.stopping && this.restarts.nothingCanServe(this.slots.values())) {
			fail("No worker is serving, and every slot failed to boot " + this.restarts.maxBootFailures()
					+ " times in a row" + ((last != null && exit != null) ? "; the last attempt (pid " + last.pid
							+ ") " + exit.describe() + ". Its output is above (log lines of pid " + last.pid + ")" : "")
					+ ". Fix the cause and start the application again");
		}
	}

	private boolean isServing(SupervisedWorker worker) {
		Slot slot = this.slots.get(worker.id);
		return slot != null && slot.worker == worker;
	}

	private boolean allReady() {
		for (Slot slot : this.slots.values()) {
			if (slot.worker == null || !slot.worker.isReady()) {
				return false;
			}
		}
		return true;
	}

	private void kill(SupervisedWorker worker, ExitCause cause, String why) {
		worker.killCause = cause;
		worker.killAtNanos = this.clock.nanoTime() + THREAD_DUMP_GRACE.toNanos();
		this.channel.unserve(worker);
		stopRouting(worker);
		logger.warn(StringUtils.capitalize(worker.toString()) + " is " + cause.getDescription() + ": " + why
				+ "; dumping its threads to its output and killing it");
		worker.process.dumpThreads();
	}

	private void requestStop(SupervisedWorker worker, ExitCause cause) {
		if (worker.state == WorkerState.EXITED || worker.stopCause != null) {
			return;
		}
		worker.stopCause = cause;
		worker.stopDeadlineNanos = this.clock.nanoTime() + this.settings.shutdownTimeout().toNanos();
		this.channel.unserve(worker);
		disconnected(worker);
		worker.process.terminate();
	}

	private void stopRouting(SupervisedWorker worker) {
		if (this.router != null) {
			this.router.stopRouting(worker.pid);
		}
	}

	private void destroyForcibly(SupervisedWorker worker) {
		worker.killed = true;
		worker.process.kill();
	}

	private void doStop(int code, String reason) {
		if (this.stopping) {
			if (this.clock.nanoTime() - this.stopRequestedNanos < DUPLICATE_STOP_WINDOW.toNanos()) {
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
		this.stopRequestedNanos = this.clock.nanoTime();
		this.exitCode = code;
		this.rollouts.finish("the cluster is stopping");
		for (SupervisedWorker worker : new ArrayList<>(this.workers)) {
			requestStop(worker, ExitCause.STOPPED);
		}
	}

	private void fail(String message) {
		logger.error(message);
		doStop(1, "cluster failed");
	}

	private void doScale(int count) {
		int max = this.settings.maxWorkers();
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
		long now = this.clock.nanoTime();
		for (int id = this.target + 1; id <= count; id++) {
			this.slots.put(id, new Slot(id, now));
		}
		for (int id = this.target; id > count; id--) {
			Slot slot = this.slots.remove(id);
			this.rollouts.removed(id);
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

	// ---------------------------------------------------------------- views

	private WorkerInfo info(SupervisedWorker worker) {
		Slot slot = this.slots.get(worker.id);
		ConnectionStats connections = (this.router != null) ? this.router.stats(worker.pid) : null;
		return (slot != null) ? worker.toInfo(slot.restarts, slot.lastExit, connections)
				: worker.toInfo(0, null, connections);
	}

	/**
	 * A worker as last published, for the channel's thread.
	 * @param id the worker's slot id
	 * @param pid its process id
	 * @return the worker's info
	 */
	WorkerInfo info(int id, long pid) {
		for (WorkerInfo worker : snapshot().workers()) {
			if (worker.pid() == pid) {
				return worker;
			}
		}
		return new WorkerInfo(id, pid, WorkerState.ONLINE, this.startedAt, null, null, -1, 0, null, WorkerStats.NONE,
				null, null, null);
	}

	/**
	 * The worker serving in each slot.
	 * @return the workers
	 */
	List<SupervisedWorker> servingWorkers() {
		List<SupervisedWorker> serving = new ArrayList<>();
		for (Slot slot : this.slots.values()) {
			if (slot.worker != null) {
				serving.add(slot.worker);
			}
		}
		return serving;
	}

	long nanoTime() {
		return this.clock.nanoTime();
	}

	/**
	 * The exit code {@link #run()} returns once the cluster has stopped.
	 * @return 0 until the cluster fails or is stopped with another code
	 */
	int exitCode() {
		return this.exitCode;
	}

	long scrapeTimeoutNanos() {
		return this.settings.scrapeTimeout().toNanos();
	}

	private ClusterSnapshot takeSnapshot() {
		long nowNanos = this.clock.nanoTime();
		Instant now = this.clock.now();
		List<SlotInfo> slotInfos = new ArrayList<>(this.slots.size());
		for (Slot slot : this.slots.values()) {
			slotInfos.add(slot.toInfo(nowNanos, now, !this.stopping));
		}
		List<WorkerInfo> infos = new ArrayList<>(this.workers.size());
		for (SupervisedWorker worker : this.workers) {
			infos.add(info(worker));
		}
		infos.sort(Comparator.comparingInt(WorkerInfo::id).thenComparing(WorkerInfo::forkedAt));
		return new ClusterSnapshot(this.masterPid, this.startedAt, this.port, this.target, this.stopping,
				List.copyOf(infos), List.copyOf(slotInfos), this.rollouts.status(), this.settings.maxWorkers(),
				this.tally.snapshot(this.channel.messages(), this.channel.messagesDropped()), now,
				portSharing(), this.tcpMigrateReq);
	}

	private String portSharing() {
		if (this.port <= 0) {
			return "none";
		}
		return (this.router != null) ? "proxy" : "reuseport";
	}

	private static long sinceJvmStart() {
		return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
	}

	/**
	 * What a rollout sees of the cluster.
	 */
	private final class RolloutHost implements Rollouts.Cluster {

		@Override
		public boolean stopping() {
			return ClusterSupervisor.this.stopping;
		}

		@Override
		public @Nullable Slot slot(int id) {
			return ClusterSupervisor.this.slots.get(id);
		}

		@Override
		public Collection<Slot> slots() {
			return ClusterSupervisor.this.slots.values();
		}

		@Override
		public void startReplacement(Slot slot) {
			fill(slot, true);
		}

	}

}
