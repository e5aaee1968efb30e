package io.clusterboot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.clusterboot.server.PortSharing;

/**
 * Configuration properties for cluster mode.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("cluster")
public class ClusterProperties {

	/**
	 * Number of worker processes: 'auto' for one per available processor (container-aware),
	 * a positive number, or 0 to run as an ordinary single process.
	 */
	private @Nullable WorkerCount workers;

	/**
	 * Largest number of workers the cluster may be scaled to. Defaults to four per
	 * available processor, and at least 16.
	 */
	private @Nullable Integer maxWorkers;

	/**
	 * Time the master gives a stopping worker to drain, finish its requests and exit,
	 * before it kills it. Unset, it is what a worker may take: the drain timeout (at most
	 * 'spring.lifecycle.timeout-per-shutdown-phase'), plus that phase timeout for the
	 * graceful shutdown, plus 5s to exit: 55s with the defaults, 35s with
	 * 'spring.main.web-application-type=none'.
	 */
	private @Nullable Duration shutdownTimeout;

	/**
	 * File the master writes its process id to while it runs, for 'kill -HUP', service
	 * managers and the operator's command ('--cluster.control'), which finds the master
	 * through it.
	 */
	private @Nullable String pidFile;

	/**
	 * How the workers share the port: 'reuseport' (each binds it, the kernel balances),
	 * 'proxy' (the master accepts and hands connections to the workers in turn), or 'auto'
	 * (reuseport where the kernel balances it and the web server supports it, else proxy).
	 */
	private PortSharing portSharing = PortSharing.AUTO;

	/**
	 * Whether the master warns at start about state each worker keeps a copy of: an
	 * in-memory database, HTTP sessions, local caches.
	 */
	private boolean warnWorkerLocalState = true;

	private final Worker worker = new Worker();

	private final Restart restart = new Restart();

	private final Ipc ipc = new Ipc();

	private final Health health = new Health();

	private final Metrics metrics = new Metrics();

	private final Logging logging = new Logging();

	public @Nullable WorkerCount getWorkers() {
		return this.workers;
	}

	public void setWorkers(@Nullable WorkerCount workers) {
		this.workers = workers;
	}

	public @Nullable Integer getMaxWorkers() {
		return this.maxWorkers;
	}

	public void setMaxWorkers(@Nullable Integer maxWorkers) {
		this.maxWorkers = maxWorkers;
	}

	/**
	 * The largest number of workers when {@code cluster.max-workers} is not set.
	 * @return four per available processor, and at least 16
	 */
	public static int defaultMaxWorkers() {
		return Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
	}

	public @Nullable Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(@Nullable Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public @Nullable String getPidFile() {
		return this.pidFile;
	}

	public void setPidFile(@Nullable String pidFile) {
		this.pidFile = pidFile;
	}

	public PortSharing getPortSharing() {
		return this.portSharing;
	}

	public void setPortSharing(PortSharing portSharing) {
		this.portSharing = portSharing;
	}

	public boolean isWarnWorkerLocalState() {
		return this.warnWorkerLocalState;
	}

	public void setWarnWorkerLocalState(boolean warnWorkerLocalState) {
		this.warnWorkerLocalState = warnWorkerLocalState;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Restart getRestart() {
		return this.restart;
	}

	public Ipc getIpc() {
		return this.ipc;
	}

	public Health getHealth() {
		return this.health;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Logging getLogging() {
		return this.logging;
	}

	/**
	 * Settings of each worker process.
	 */
	public static class Worker {

		/**
		 * Extra JVM options for every worker, added after the master's own options.
		 */
		private List<String> jvmArgs = new ArrayList<>();

		/**
		 * Whether workers run with -XX:+ExitOnOutOfMemoryError, so a worker that runs out of
		 * memory is replaced instead of limping on.
		 */
		private boolean exitOnOutOfMemoryError = true;

		/**
		 * Whether each worker gets a fair share of the memory limit as its maximum heap
		 * when no heap size is set on the command line or in 'cluster.worker.jvm-args'.
		 */
		private boolean heapShare = true;

		/**
		 * Hot spares to keep: workers booted up to the moment before their web server
		 * starts, waiting to be promoted when a worker dies or is replaced. A spare is not
		 * counted as capacity.
		 */
		private int spares;

		/**
		 * How many workers boot at once; the next one starts when one is ready. 0 boots
		 * one per two available processors, which gets the first worker serving soonest
		 * when a booting JVM keeps two processors busy.
		 */
		private int bootConcurrency;

		/**
		 * Time a worker has from being forked to being ready before it is killed and
		 * counted as failed to boot.
		 */
		private Duration bootTimeout = Duration.ofMinutes(3);

		/**
		 * Time a worker may stay silent (no heartbeat) before it is considered hung: its
		 * threads are dumped to its output, then it is killed and replaced.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * Interval between a worker's heartbeats to the master.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(1);

		/**
		 * Number of requests after which a worker is replaced gracefully (recycled), as
		 * gunicorn's max_requests. 0 never recycles.
		 */
		private long maxRequests;

		/**
		 * Random number, up to this value, added to max-requests for each worker so that
		 * workers do not all recycle at once.
		 */
		private long maxRequestsJitter;

		/**
		 * Heap in use after the latest garbage collection (the live set) above which a
		 * worker is recycled. Not set never recycles.
		 */
		private @Nullable DataSize maxMemory;

		/**
		 * Time after which a worker is recycled. Not set never recycles.
		 */
		private @Nullable Duration maxLifetime;

		/**
		 * Whether the master prepares a class-data archive of the application once per
		 * build and JVM and starts every later worker from it: 'auto' where the launch
		 * allows it (a jar, or a class path of jars), 'off' to launch workers exactly as
		 * the master was launched.
		 */
		private ClassData classData = ClassData.AUTO;

		/**
		 * Directory where the master keeps the workers' class data: the extracted
		 * application and its archives, for the two newest builds of each application.
		 * Default: a 'cluster-spring-boot' folder in the user's cache directory
		 * ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS).
		 */
		private @Nullable String classDataDirectory;

		private final Drain drain = new Drain();

		public List<String> getJvmArgs() {
			return this.jvmArgs;
		}

		public void setJvmArgs(List<String> jvmArgs) {
			this.jvmArgs = jvmArgs;
		}

		public boolean isExitOnOutOfMemoryError() {
			return this.exitOnOutOfMemoryError;
		}

		public void setExitOnOutOfMemoryError(boolean exitOnOutOfMemoryError) {
			this.exitOnOutOfMemoryError = exitOnOutOfMemoryError;
		}

		public boolean isHeapShare() {
			return this.heapShare;
		}

		public void setHeapShare(boolean heapShare) {
			this.heapShare = heapShare;
		}

		public int getSpares() {
			return this.spares;
		}

		public void setSpares(int spares) {
			this.spares = spares;
		}

		public int getBootConcurrency() {
			return this.bootConcurrency;
		}

		public void setBootConcurrency(int bootConcurrency) {
			this.bootConcurrency = bootConcurrency;
		}

		public Duration getBootTimeout() {
			return this.bootTimeout;
		}

		public void setBootTimeout(Duration bootTimeout) {
			this.bootTimeout = bootTimeout;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public long getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(long maxRequests) {
			this.maxRequests = maxRequests;
		}

		public long getMaxRequestsJitter() {
			return this.maxRequestsJitter;
		}

		public void setMaxRequestsJitter(long maxRequestsJitter) {
			this.maxRequestsJitter = maxRequestsJitter;
		}

		public @Nullable DataSize getMaxMemory() {
			return this.maxMemory;
		}

		public void setMaxMemory(@Nullable DataSize maxMemory) {
			this.maxMemory = maxMemory;
		}

		public @Nullable Duration getMaxLifetime() {
			return this.maxLifetime;
		}

		public void setMaxLifetime(@Nullable Duration maxLifetime) {
			this.maxLifetime = maxLifetime;
		}

		public ClassData getClassData() {
			return this.classData;
		}

		public void setClassData(ClassData classData) {
			this.classData = classData;
		}

		public @Nullable String getClassDataDirectory() {
			return this.classDataDirectory;
		}

		public void setClassDataDirectory(@Nullable String classDataDirectory) {
			this.classDataDirectory = classDataDirectory;
		}

		public Drain getDrain() {
			return this.drain;
		}

		/**
		 * Whether workers start from class data the master prepares.
		 */
		public enum ClassData {

			/**
			 * Prepare class data where the launch allows it and start workers from it.
			 */
			AUTO,

			/**
			 * Launch workers exactly as the master was launched.
			 */
			OFF

		}

		/**
		 * How a stopping worker leaves the shared port while its siblings keep serving.
		 */
		public static class Drain {

			/**
			 * Whether a stopping worker first closes its listening socket, tells its
			 * WebSocket sessions and server-sent event streams to go, and finishes the
			 * requests on its open connections, answering them with 'Connection: close',
			 * before Spring Boot's graceful shutdown pauses its web server. Applies when
			 * 'server.shutdown' is 'graceful' and the web server is Tomcat, Jetty or Reactor
			 * Netty.
			 */
			private boolean enabled = true;

			/**
			 * Longest time a stopping worker waits for its open connections to close before
			 * Spring Boot's graceful shutdown takes over. The two together should fit in
			 * 'cluster.shutdown-timeout'.
			 */
			private Duration timeout = Duration.ofSeconds(20);

			/**
			 * Time a connection of a stopping worker must have been idle before it is
			 * closed. A client that sends on it at that very moment sees the connection
			 * close; a longer time lets more clients come back and be told to reconnect.
			 */
			private Duration idleTimeout = Duration.ofSeconds(1);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getTimeout() {
				return this.timeout;
			}

			public void setTimeout(Duration timeout) {
				this.timeout = timeout;
			}

			public Duration getIdleTimeout() {
				return this.idleTimeout;
			}

			public void setIdleTimeout(Duration idleTimeout) {
				this.idleTimeout = idleTimeout;
			}

		}

	}

	/**
	 * Restart policy for workers that exit unexpectedly.
	 */
	public static class Restart {

		/**
		 * Delay before the first restart of a worker that exited unexpectedly.
		 */
		private Duration initialDelay = Duration.ofMillis(100);

		/**
		 * Factor applied to the delay for every further consecutive unexpected exit.
		 */
		private double multiplier = 1.5;

		/**
		 * Longest delay between restarts.
		 */
		private Duration maxDelay = Duration.ofSeconds(15);

		/**
		 * Time a worker must stay ready for its slot's restart delay to start over.
		 */
		private Duration resetAfter = Duration.ofSeconds(30);

		/**
		 * Number of consecutive failures to boot (exits before becoming ready) in one
		 * worker slot after which the whole cluster stops with an error, at the first
		 * start. Once the cluster has served, a slot that cannot boot keeps backing off,
		 * and the cluster stops only when no worker serves and every slot reached it.
		 */
		private int maxBootFailures = 3;

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public Duration getResetAfter() {
			return this.resetAfter;
		}

		public void setResetAfter(Duration resetAfter) {
			this.resetAfter = resetAfter;
		}

		public int getMaxBootFailures() {
			return this.maxBootFailures;
		}

		public void setMaxBootFailures(int maxBootFailures) {
			this.maxBootFailures = maxBootFailures;
		}

	}

	/**
	 * Channel between the master and its workers.
	 */
	public static class Ipc {

		/**
		 * Largest frame either side accepts; a larger one closes the connection.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(4);

		/**
		 * Time a new connection has to authenticate before the master closes it.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(10);

		/**
		 * User messages each worker may have on their way to the master's listeners; beyond
		 * it the worker's 'sendToMaster' returns false until the master has delivered
		 * earlier ones, so a slow listener slows its senders instead of filling the
		 * master's memory.
		 */
		private int maxPendingMessages = 1000;

		public int getMaxPendingMessages() {
			return this.maxPendingMessages;
		}

		public void setMaxPendingMessages(int maxPendingMessages) {
			this.maxPendingMessages = maxPendingMessages;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

	}

	/**
	 * The 'cluster' health contributor.
	 */
	public static class Health {

		/**
		 * Number of listening workers below which the cluster is reported DOWN.
		 */
		private int minWorkers = 1;

		public int getMinWorkers() {
			return this.minWorkers;
		}

		public void setMinWorkers(int minWorkers) {
			this.minWorkers = minWorkers;
		}

	}

	/**
	 * Metrics of the whole cluster.
	 */
	public static class Metrics {

		/**
		 * Time the Prometheus scrape waits for the other workers' metrics; a worker that
		 * does not answer in time is reported as such and left out.
		 */
		private Duration scrapeTimeout = Duration.ofSeconds(2);

		public Duration getScrapeTimeout() {
			return this.scrapeTimeout;
		}

		public void setScrapeTimeout(Duration scrapeTimeout) {
			this.scrapeTimeout = scrapeTimeout;
		}

	}

	/**
	 * The log lines of the cluster's processes.
	 */
	public static class Logging {

		/**
		 * Whether each log line says which process wrote it, '[master]' or '[worker-2]',
		 * in Spring Boot's default patterns (through 'logging.pattern.level', unless it is
		 * set), and as 'cluster.role' and 'cluster.worker' in structured logging. Read
		 * before logging starts, from the application's configuration.
		 */
		private boolean workerTag = true;

		public boolean isWorkerTag() {
			return this.workerTag;
		}

		public void setWorkerTag(boolean workerTag) {
			this.workerTag = workerTag;
		}

	}

}
