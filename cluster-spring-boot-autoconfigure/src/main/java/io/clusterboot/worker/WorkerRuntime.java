package io.clusterboot.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

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
import io.clusterboot.ipc.FrameCodec;
import io.clusterboot.ipc.Frames;
import io.clusterboot.ipc.IpcClient;

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

	private final LongAdder requests = new LongAdder();

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

	private WorkerRuntime(WorkerEnvironment environment, FrameCodec codec, Path socket, String secret)
			throws IOException {
		this.environment = environment;
		Frames.Hello hello = new Frames.Hello(environment.workerId(), ProcessHandle.current().pid(), secret);
		this.client = IpcClient.connect(socket, codec, hello, WELCOME_TIMEOUT, this);
		long interval = Math.max(10, this.client.getWelcome().heartbeatIntervalMillis());
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
					heartbeat();
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
	 * The counter of requests served, reported with every heartbeat.
	 * @return the counter
	 */
	public LongAdder getRequestCounter() {
		return this.requests;
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
			this.client.send(new Frames.Heartbeat(heap.getUsed(), heap.getMax(), this.requests.sum(), uptime,
					this.liveness, this.readiness));
		}
		catch (RuntimeException ex) {
			logger.debug("Heartbeat failed", ex);
		}
	}

	@Override
	public void onFrame(Object frame) {
		if (frame instanceof Frames.Message message) {
			ClusterEventPublisher events = this.events;
			if (events != null) {
				events.received(new ClusterMessage(message.source(), message.payload(), getMapper()));
			}
		}
		else if (frame instanceof Frames.Command command && command.action() == Frames.Command.Action.STOP) {
			exit("the master asked it to stop", false);
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
