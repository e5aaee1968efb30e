package io.clusterboot.internal.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcClient;
import io.clusterboot.internal.logging.LogTag;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.worker.MasterLink;

/**
 * A worker's side of the cluster: its connection to the master, opened as soon as the
 * environment is ready; its heartbeats; the report that it is listening; its messages,
 * sent only as far as the master's credit goes; and its exit when the master goes away.
 */
public final class WorkerRuntime implements MasterLink, IpcClient.Listener {

	/**
	 * The property source, first in a worker's environment, that holds what the master
	 * decided for it, {@code cluster.worker.id} among them.
	 */
	public static final String PROPERTY_SOURCE = "clusterWorker";

	/**
	 * The worker's id as the application sees it: 0 in a spare until it is promoted.
	 */
	public static final String WORKER_ID_PROPERTY = "cluster.worker.id";

	private static final Log logger = LogFactory.getLog(WorkerRuntime.class);

	private static final Duration EXITING_FLUSH_TIMEOUT = Duration.ofMillis(200);

	private final WorkerEnvironment environment;

	private final IpcClient client;

	private final long requestLimit;

	private final AtomicLong requests = new AtomicLong();

	private final AtomicInteger requestsInFlight = new AtomicInteger();

	private volatile long lastRequestCompletedNanos;

	private volatile long readyNanos;

	private final AtomicInteger messageCredit = new AtomicInteger();

	private final AtomicLong messagesRefused = new AtomicLong();

	private final AtomicBoolean exiting = new AtomicBoolean();

	private final AtomicBoolean classDataDumpAttached = new AtomicBoolean();

	private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	private final ExecutorService scrapes = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-scrape");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong requestIds = new AtomicLong();

	private final Map<Long, PendingRequest> pendingRequests = new ConcurrentHashMap<>();

	private final List<Consumer<ClusterSnapshot>> stateListeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable String liveness;

	private volatile @Nullable String readiness;

	private volatile @Nullable String host;

	private volatile int port = -1;

	private volatile int managementPort = -1;

	private volatile @Nullable MessageReceiver messageReceiver;

	private volatile @Nullable ConfigurableApplicationContext context;

	private volatile @Nullable ClusterSnapshot state;

	private volatile long stateReceivedNanos;

	private volatile @Nullable Scraper scraper;

	private volatile @Nullable String startFailure;

	/**
	 * The slot this worker serves: its id from the master at launch, or for a spare the
	 * one it is promoted into.
	 */
	private volatile int workerId;

	/**
	 * For a spare, completes with the slot it is promoted into.
	 */
	private final CompletableFuture<Integer> promotion = new CompletableFuture<>();

	private final AtomicBoolean standbyAttached = new AtomicBoolean();

	private WorkerRuntime(WorkerEnvironment environment, FrameCodec codec, Path socket, String secret,
			Duration welcomeTimeout) throws IOException {
		this.environment = environment;
		this.workerId = environment.workerId();
		Frames.Hello hello = new Frames.Hello(environment.workerId(), ProcessHandle.current().pid(), secret);
		this.client = IpcClient.connect(socket, codec, hello, welcomeTimeout, this);
		Frames.Welcome welcome = this.client.getWelcome();
		this.requestLimit = welcome.requestLimit();
		this.messageCredit.set(welcome.messageCredit());
		this.heartbeats.scheduleAtFixedRate(this::heartbeat, 0, Math.max(10, welcome.heartbeatIntervalMillis()),
				TimeUnit.MILLISECONDS);
		Runtime.getRuntime().addShutdownHook(new Thread(this::sayExiting, "cluster-worker-exiting"));
	}

	/**
	 * Connect a worker to its master.
	 * @param environment the worker's identity and the master's socket
	 * @param maxFrameSize the largest frame to accept
	 * @param welcomeTimeout how long to wait for the master to accept the worker
	 * @return the connected runtime
	 * @throws IOException if the master cannot be reached or refuses the worker
	 */
	public static WorkerRuntime connect(WorkerEnvironment environment, int maxFrameSize, Duration welcomeTimeout)
			throws IOException {
		if (!environment.hasMaster()) {
			throw new IllegalArgumentException("Worker " + environment.workerId() + " has no master to connect to");
		}
		return new WorkerRuntime(environment, new FrameCodec(maxFrameSize), environment.socket(),
				environment.secret(), welcomeTimeout);
	}

	/**
	 * Join an application context of this worker: become a bean of it and follow its
	 * events. A worker's application may have more than one context in its life (a
	 * devtools restart closes one and starts another): the latest one attached is the one
	 * that receives messages.
	 * @param context the context being prepared
	 * @param receiver where messages from the master go while this context runs
	 */
	public void attach(ConfigurableApplicationContext context, MessageReceiver receiver) {
		context.getBeanFactory().registerSingleton("clusterWorkerRuntime", this);
		String classDataDump = this.client.getWelcome().classDataDump();
		if (classDataDump != null && this.classDataDumpAttached.compareAndSet(false, true)) {
			context.getBeanFactory()
				.registerSingleton("clusterClassDataDump", new ClassDataDump(classDataDump,
						(millis, failure) -> classDataDumped(classDataDump, millis, failure)));
		}
		if (isSpare() && this.standbyAttached.compareAndSet(false, true)) {
			context.getBeanFactory()
				.registerSingleton("clusterSpareStandby", new SpareStandby(context, this.promotion,
						() -> this.client.send(new Frames.StandingBy(ManagementFactory.getRuntimeMXBean().getUptime())),
						(id) -> promoted(context, id)));
		}
		context.addApplicationListener((ApplicationEvent event) -> onApplicationEvent(context, event));
		this.context = context;
		this.messageReceiver = receiver;
	}

	private void onApplicationEvent(ConfigurableApplicationContext source, ApplicationEvent event) {
		if (source != this.context) {
			return;
		}
		if (event instanceof AvailabilityChangeEvent<?> change) {
			if (change.getState() instanceof LivenessState state) {
				this.liveness = state.name();
				if (state == LivenessState.BROKEN) {
					heartbeatNow();
				}
			}
			else if (change.getState() instanceof ReadinessState state) {
				this.readiness = state.name();
			}
		}
		else if (event instanceof ApplicationReadyEvent) {
			if (this.readyNanos == 0) {
				this.readyNanos = System.nanoTime();
			}
			this.client.send(new Frames.Listening(this.host, this.port, this.managementPort));
		}
		else if (event instanceof ContextClosedEvent) {
			this.messageReceiver = null;
		}
	}

	/**
	 * Whether this worker was launched as a hot spare, to wait for a slot.
	 */
	private boolean isSpare() {
		return this.environment.workerId() == 0;
	}

	private void promoted(ConfigurableApplicationContext context, int id) {
		this.workerId = id;
		LogTag.update(LogTag.worker(id));
		if (context.getEnvironment().getPropertySources().get(PROPERTY_SOURCE) instanceof MapPropertySource source) {
			source.getSource().put(WORKER_ID_PROPERTY, id);
		}
	}

	private void classDataDumped(String file, long millis, @Nullable String failure) {
		this.client.send(new Frames.ClassDataDumped(file, millis, failure));
		// The dump stopped the heartbeat thread too: tell the master at once that this
		// worker lives
		heartbeatNow();
	}

	/**
	 * Record where the application's web server listens, reported to the master once the
	 * application is ready.
	 * @param host the bound address, or {@code null} for all addresses
	 * @param port the bound port
	 */
	public void webServerStarted(@Nullable String host, int port) {
		this.host = host;
		this.port = port;
	}

	/**
	 * Record the port of the application's separate management server, reported to the
	 * master with {@link #webServerStarted(String, int) the web server's}.
	 * @param port the bound port
	 */
	public void managementServerStarted(int port) {
		this.managementPort = port;
	}

	/**
	 * Count a request as it arrives; it is in flight until {@link #requestCompleted()}.
	 * Reaching the number after which the master recycles this worker is reported at once.
	 */
	public void requestStarted() {
		if (this.requestsInFlight.incrementAndGet() == 1) {
			// An idle worker has not been stuck: its clock for "none completed" starts now
			this.lastRequestCompletedNanos = System.nanoTime();
		}
		if (this.requests.incrementAndGet() == this.requestLimit) {
			heartbeatNow();
		}
	}

	/**
	 * A request counted by {@link #requestStarted()} has been served.
	 */
	public void requestCompleted() {
		this.lastRequestCompletedNanos = System.nanoTime();
		this.requestsInFlight.decrementAndGet();
	}

	/**
	 * Send a user message through the master.
	 * @param target {@link Frames#MASTER}, {@link Frames#ALL_WORKERS} or a worker's id
	 * @param payload the message
	 * @return {@code false} if the master has not yet delivered as many earlier messages
	 * as it allows to wait, the channel is closed, or the message is larger than
	 * {@code cluster.ipc.max-frame-size}
	 */
	public boolean sendMessage(int target, JsonNode payload) {
		if (this.messageCredit.getAndUpdate((credit) -> (credit > 0) ? credit - 1 : 0) <= 0) {
			this.messagesRefused.incrementAndGet();
			return false;
		}
		boolean sent;
		try {
			sent = this.client.send(new Frames.Message(getWorkerId(), target, payload));
		}
		catch (FrameCodec.FrameTooLargeException ex) {
			logger.warn("Message from worker " + getWorkerId() + " not sent: " + ex.getMessage());
			sent = false;
		}
		if (!sent) {
			this.messageCredit.incrementAndGet();
		}
		return sent;
	}

	/**
	 * Send a heartbeat now, on the heartbeat thread so that no older heartbeat can
	 * overtake it; once the worker is shutting down there is no one left to tell.
	 */
	private void heartbeatNow() {
		try {
			this.heartbeats.execute(this::heartbeat);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: a draining worker keeps serving, and the request must not fail
		}
	}

	private void heartbeat() {
		try {
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
			this.client.send(new Frames.Heartbeat(heap.getUsed(), heapAfterGc(), heap.getMax(), this.requests.get(),
					this.requestsInFlight.get(), sinceRequestCompletedMillis(), this.messagesRefused.get(), uptime,
					this.liveness, this.readiness));
		}
		catch (RuntimeException ex) {
			logger.debug("Heartbeat failed", ex);
		}
	}

	private long sinceRequestCompletedMillis() {
		long ready = this.readyNanos;
		if (ready == 0) {
			return -1;
		}
		long since = Math.max(ready, this.lastRequestCompletedNanos);
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
	}

	/**
	 * Heap in use right after the latest collection of each heap pool: the live set, which
	 * grows with a leak and does not move with allocation between collections.
	 */
	private static long heapAfterGc() {
		long total = 0;
		boolean collected = false;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			MemoryUsage afterGc = (pool.getType() == MemoryType.HEAP) ? pool.getCollectionUsage() : null;
			if (afterGc != null) {
				total += afterGc.getUsed();
				collected |= afterGc.getCommitted() > 0 || afterGc.getUsed() > 0;
			}
		}
		return collected ? total : -1;
	}

	// ---------------------------------------------------------------- MasterLink

	@Override
	public int getWorkerId() {
		return this.workerId;
	}

	@Override
	public long getMasterPid() {
		return this.client.getWelcome().masterPid();
	}

	/**
	 * The mapper for message payloads.
	 * @return the mapper
	 */
	public ObjectMapper getMapper() {
		return this.client.getCodec().mapper();
	}

	@Override
	public @Nullable ClusterSnapshot getState() {
		return this.state;
	}

	@Override
	public @Nullable Duration getStateAge() {
		return (this.state != null) ? Duration.ofNanos(System.nanoTime() - this.stateReceivedNanos) : null;
	}

	@Override
	public void addStateListener(Consumer<ClusterSnapshot> listener) {
		this.stateListeners.add(listener);
	}

	@Override
	public CompletableFuture<OperationOutcome> scale(int workers) {
		return operate(Frames.Request.Action.SCALE, null, workers);
	}

	@Override
	public CompletableFuture<OperationOutcome> rollingRestart() {
		return operate(Frames.Request.Action.RESTART, null, null);
	}

	@Override
	public CompletableFuture<OperationOutcome> replace(int workerId) {
		return operate(Frames.Request.Action.REPLACE, workerId, null);
	}

	private CompletableFuture<OperationOutcome> operate(Frames.Request.Action action, @Nullable Integer workerId,
			@Nullable Integer count) {
		Duration timeout = Duration.ofSeconds(10);
		return request(new Frames.Request(0, action, workerId, count, null, null), timeout).handle((reply, ex) -> {
			if (ex == null) {
				return new OperationOutcome(reply.status(), (reply.message() != null) ? reply.message() : "Done");
			}
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return new OperationOutcome(OperationOutcome.Status.UNAVAILABLE,
					(cause instanceof TimeoutException)
							? "The master did not answer within " + timeout.toSeconds() + "s" : cause.getMessage());
		});
	}

	@Override
	public CompletableFuture<Map<Integer, @Nullable String>> scrapeOthers(String format, @Nullable Set<String> names,
			Duration timeout) {
		return request(new Frames.Request(0, Frames.Request.Action.SCRAPE, null, null, format, names), timeout)
			.handle((reply, ex) -> {
				if (ex != null) {
					logger.debug("Could not gather the other workers' metrics", ex);
					return Map.of();
				}
				return (reply.scrapes() != null) ? reply.scrapes() : Map.of();
			});
	}

	@Override
	public void setScraper(Scraper scraper) {
		this.scraper = scraper;
	}

	/**
	 * Ask the master something and collect its answer, which may come in pieces.
	 */
	private CompletableFuture<Frames.Reply> request(Frames.Request template, Duration timeout) {
		long id = this.requestIds.incrementAndGet();
		PendingRequest pending = new PendingRequest();
		this.pendingRequests.put(id, pending);
		pending.reply.whenComplete((result, ex) -> this.pendingRequests.remove(id));
		if (!this.client.send(new Frames.Request(id, template.action(), template.workerId(), template.count(),
				template.format(), template.names()))) {
			pending.reply.completeExceptionally(new IllegalStateException("Not connected to the master"));
			return pending.reply;
		}
		return pending.reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	// ---------------------------------------------------------------- from the master

	@Override
	public void onFrame(Object frame) {
		if (frame instanceof Frames.State stateFrame) {
			// The time first: whoever sees this snapshot also sees when it came
			this.stateReceivedNanos = System.nanoTime();
			this.state = stateFrame.snapshot();
			for (Consumer<ClusterSnapshot> listener : this.stateListeners) {
				listener.accept(stateFrame.snapshot());
			}
		}
		else if (frame instanceof Frames.Message message) {
			MessageReceiver receiver = this.messageReceiver;
			if (receiver != null) {
				receiver.received(message.source(), message.payload());
			}
		}
		else if (frame instanceof Frames.Credit credit) {
			this.messageCredit.addAndGet(credit.messages());
		}
		else if (frame instanceof Frames.Reply reply) {
			PendingRequest pending = this.pendingRequests.get(reply.id());
			if (pending != null) {
				pending.add(reply);
			}
		}
		else if (frame instanceof Frames.Request request && request.action() == Frames.Request.Action.SCRAPE) {
			this.scrapes.execute(() -> scrape(request));
		}
		else if (frame instanceof Frames.Promote promote) {
			this.promotion.complete(promote.workerId());
		}
	}

	private void scrape(Frames.Request request) {
		Scraper scraper = this.scraper;
		if (scraper == null || request.format() == null) {
			this.client.send(Frames.Reply.of(request.id(), OperationOutcome.Status.UNAVAILABLE, "no Prometheus registry"));
			return;
		}
		try {
			String text = scraper.scrape(request.format(), request.names());
			this.client.send(new Frames.Reply(request.id(), OperationOutcome.Status.DONE, null,
					Map.of(getWorkerId(), text), false));
		}
		catch (FrameCodec.FrameTooLargeException ex) {
			logger.warn("Worker " + getWorkerId() + "'s metrics are left out of the cluster's scrape: "
					+ ex.getMessage());
			this.client.send(Frames.Reply.of(request.id(), OperationOutcome.Status.UNAVAILABLE, ex.getMessage()));
		}
		catch (RuntimeException ex) {
			logger.debug("Scrape for the master failed", ex);
			this.client.send(Frames.Reply.of(request.id(), OperationOutcome.Status.UNAVAILABLE, ex.getMessage()));
		}
	}

	@Override
	public void onClose(String reason) {
		if (!this.exiting.compareAndSet(false, true)) {
			return;
		}
		this.heartbeats.shutdownNow();
		this.promotion.completeExceptionally(new IllegalStateException("it lost its master"));
		logger.warn(((getWorkerId() != 0) ? "Worker " + getWorkerId() : "Spare") + " is shutting down: it lost its "
				+ "master, pid " + this.environment.masterPid() + " (" + reason + ")");
		// System.exit runs the shutdown hooks, so the application shuts down gracefully
		Thread exit = new Thread(() -> System.exit(0), "cluster-worker-exit");
		exit.start();
	}

	/**
	 * Record why the application failed to start, for the master to tell in its log.
	 * @param failure the failure
	 */
	public void startFailed(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		String text = cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
		this.startFailure = (text.length() > 500) ? text.substring(0, 500) + "..." : text;
	}

	/**
	 * Tell the master this JVM is exiting of its own accord, so that it can tell an exit
	 * code from a signal, and why the application failed to start, if it did.
	 */
	private void sayExiting() {
		if (this.client.send(new Frames.Exiting(ProcessHandle.current().pid(), this.startFailure))) {
			this.client.flush(EXITING_FLUSH_TIMEOUT);
		}
	}

	/**
	 * Receives the messages the master sends or relays to this worker.
	 */
	@FunctionalInterface
	public interface MessageReceiver {

		/**
		 * Handle a message, on the channel's thread.
		 * @param senderId the sending worker's id, or {@link Frames#MASTER}
		 * @param payload the message
		 */
		void received(int senderId, JsonNode payload);

	}

	/**
	 * A request whose answer may come in pieces.
	 */
	private static final class PendingRequest {

		private final CompletableFuture<Frames.Reply> reply = new CompletableFuture<>();

		private final Map<Integer, @Nullable String> scrapes = new HashMap<>();

		synchronized void add(Frames.Reply piece) {
			if (piece.scrapes() != null) {
				this.scrapes.putAll(piece.scrapes());
			}
			if (!piece.more()) {
				this.reply.complete(new Frames.Reply(piece.id(), piece.status(), piece.message(),
						(piece.scrapes() != null || !this.scrapes.isEmpty()) ? new HashMap<>(this.scrapes) : null,
						false));
			}
		}

	}

}
