package io.clusterboot.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;

import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.event.ClusterMessage;
import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcClient;
import io.clusterboot.state.ClusterSnapshot;

/**
 * A worker's side of the cluster: its connection to the master, opened as soon as the
 * environment is ready; its heartbeats; the report that it is listening; and its exit
 * when the master asks for it or goes away.
 *
 * @since 0.1.0
 */
public final class WorkerRuntime implements IpcClient.Listener {

	private static final Log logger = LogFactory.getLog(WorkerRuntime.class);

	private static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(10);

	private final WorkerEnvironment environment;

	private final IpcClient client;

	private final AtomicLong requests = new AtomicLong();

	private final long requestLimit;

	private final AtomicBoolean exiting = new AtomicBoolean();

	private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable String liveness;

	private volatile @Nullable String readiness;

	private volatile @Nullable String host;

	private volatile int port = -1;

	private volatile @Nullable ClusterEventPublisher events;

	private final AtomicLong requestIds = new AtomicLong();

	private final Map<Long, CompletableFuture<Frames.Reply>> pendingRequests = new ConcurrentHashMap<>();

	private final List<Consumer<ClusterSnapshot>> stateListeners = new CopyOnWriteArrayList<>();

	private final ExecutorService scrapes = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-scrape");
		thread.setDaemon(true);
		return thread;
	});

	private volatile @Nullable ClusterSnapshot state;

	private volatile long stateReceivedNanos;

	private volatile @Nullable Function<Frames.Request, String> scraper;

	private WorkerRuntime(WorkerEnvironment environment, FrameCodec codec, Path socket, String secret)
			throws IOException {
		this.environment = environment;
		Frames.Hello hello = new Frames.Hello(environment.workerId(), ProcessHandle.current().pid(), secret);
		this.client = IpcClient.connect(socket, codec, hello, WELCOME_TIMEOUT, this);
		long interval = Math.max(10, this.client.getWelcome().heartbeatIntervalMillis());
		this.requestLimit = this.client.getWelcome().requestLimit();
		this.heartbeats.scheduleAtFixedRate(this::heartbeat, 0, interval, TimeUnit.MILLISECONDS);
	}

	/**
	 * Connect a worker to its master.
	 * @param environment the worker's identity and the master's socket
	 * @param maxFrameSize the largest frame to accept
	 * @return the connected runtime
	 * @throws IOException if the master cannot be reached or refuses the worker
	 */
	public static WorkerRuntime connect(WorkerEnvironment environment, int maxFrameSize) throws IOException {
		if (!environment.hasMaster()) {
			throw new IllegalArgumentException("Worker " + environment.workerId() + " has no master to connect to");
		}
		return new WorkerRuntime(environment, new FrameCodec(maxFrameSize), environment.socket(),
				environment.secret());
	}

	/**
	 * Join the worker's application context: become a bean and follow its events.
	 * @param context the context being prepared
	 */
	public void attach(ConfigurableApplicationContext context) {
		context.getBeanFactory().registerSingleton("clusterWorkerRuntime", this);
		this.events = new ClusterEventPublisher(context, this);
		context.addApplicationListener(this::onApplicationEvent);
	}

	private void onApplicationEvent(ApplicationEvent event) {
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
			this.client.send(new Frames.Listening(this.host, this.port));
		}
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
	 * Count one request, reported with every heartbeat, and at once when it reaches the
	 * number after which the master recycles this worker.
	 */
	public void countRequest() {
		if (this.requests.incrementAndGet() == this.requestLimit) {
			heartbeatNow();
		}
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

	/**
	 * This worker's id.
	 * @return the slot id, from 1
	 */
	public int getWorkerId() {
		return this.environment.workerId();
	}

	/**
	 * The master's process id.
	 * @return the master's pid
	 */
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

	/**
	 * Send a frame to the master.
	 * @param frame the frame
	 * @return {@code false} if it could not be handed to the channel
	 */
	public boolean send(Object frame) {
		return this.client.send(frame);
	}

	private void heartbeat() {
		try {
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
			this.client.send(new Frames.Heartbeat(heap.getUsed(), heapAfterGc(), heap.getMax(), this.requests.get(),
					uptime, this.liveness, this.readiness));
		}
		catch (RuntimeException ex) {
			logger.debug("Heartbeat failed", ex);
		}
	}

	/**
	 * The master's latest view of the cluster.
	 * @return the snapshot, or {@code null} before the first one arrived
	 */
	public @Nullable ClusterSnapshot getState() {
		return this.state;
	}

	/**
	 * How long ago the latest snapshot arrived.
	 * @return the age, or {@code null} before the first one arrived
	 */
	public @Nullable Duration getStateAge() {
		return (this.state != null) ? Duration.ofNanos(System.nanoTime() - this.stateReceivedNanos) : null;
	}

	/**
	 * Be told of every snapshot the master sends.
	 * @param listener called on the IPC thread; must be quick
	 */
	public void addStateListener(Consumer<ClusterSnapshot> listener) {
		this.stateListeners.add(listener);
	}

	/**
	 * Set how this worker renders its own metrics when the master gathers them for a
	 * scrape.
	 * @param scraper renders the metrics in the format, and limited to the names, the
	 * request asks for
	 */
	public void setScraper(Function<Frames.Request, String> scraper) {
		this.scraper = scraper;
	}

	/**
	 * Ask the master something.
	 * @param action what to ask
	 * @param workerId the worker it concerns, if any
	 * @param count a number of workers, if any
	 * @param format an exposition format, if any
	 * @param names metric names to limit a scrape to, if any
	 * @param timeout how long to wait for the answer
	 * @return the master's reply; completes exceptionally with a
	 * {@link java.util.concurrent.TimeoutException} if it does not come in time
	 */
	public CompletableFuture<Frames.Reply> request(Frames.Request.Action action, @Nullable Integer workerId,
			@Nullable Integer count, @Nullable String format, @Nullable Set<String> names, Duration timeout) {
		long id = this.requestIds.incrementAndGet();
		CompletableFuture<Frames.Reply> reply = new CompletableFuture<>();
		this.pendingRequests.put(id, reply);
		reply.whenComplete((result, ex) -> this.pendingRequests.remove(id));
		if (!this.client.send(new Frames.Request(id, action, workerId, count, format, names))) {
			reply.completeExceptionally(new IllegalStateException("Not connected to the master"));
			return reply;
		}
		return reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
		else if (frame instanceof Frames.Reply reply) {
			CompletableFuture<Frames.Reply> pending = this.pendingRequests.get(reply.id());
			if (pending != null) {
				pending.complete(reply);
			}
		}
		else if (frame instanceof Frames.Request request && request.action() == Frames.Request.Action.SCRAPE) {
			this.scrapes.execute(() -> scrape(request));
		}
		else if (frame instanceof Frames.Message message) {
			ClusterEventPublisher events = this.events;
			if (events != null) {
				events.received(new ClusterMessage(message.source(), message.payload(), getMapper()));
			}
		}
		else if (frame instanceof Frames.Command command && command.action() == Frames.Command.Action.STOP) {
			exit("the master asked it to stop", false);
		}
	}

	private void scrape(Frames.Request request) {
		Function<Frames.Request, String> scraper = this.scraper;
		if (scraper == null) {
			this.client.send(new Frames.Reply(request.id(), 404, "no Prometheus registry", Map.of()));
			return;
		}
		try {
			String text = scraper.apply(request);
			this.client.send(new Frames.Reply(request.id(), 200, null, Map.of(getWorkerId(), text)));
		}
		catch (RuntimeException ex) {
			logger.debug("Scrape for the master failed", ex);
			this.client.send(new Frames.Reply(request.id(), 500, ex.getMessage(), Map.of()));
		}
	}

	@Override
	public void onClose(String reason) {
		exit("it lost its master, pid " + this.environment.masterPid() + " (" + reason + ")", true);
	}

	private void exit(String why, boolean warn) {
		if (!this.exiting.compareAndSet(false, true)) {
			return;
		}
		this.heartbeats.shutdownNow();
		String message = "Worker " + getWorkerId() + " is shutting down: " + why;
		if (warn) {
			logger.warn(message);
		}
		else {
			logger.info(message);
		}
		// System.exit runs the shutdown hooks, so the application shuts down gracefully
		Thread exit = new Thread(() -> System.exit(0), "cluster-worker-exit");
		exit.start();
	}

}
