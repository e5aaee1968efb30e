package io.clusterboot.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * HTTP load on a loopback server from a fixed number of connections, each on a daemon
 * thread of its own, that stops by itself after a duration or a number of requests and
 * counts every request's outcome in a {@link LoadReport}.
 * <p>
 * A request is never retried: a failure is counted as a failure. Latency is measured from
 * the start of a request, including the connect when it needs a new connection, to the
 * last byte of its response; a connection sends its next request as soon as it has the
 * response (a closed loop), so latency does not include time a request would have waited
 * to be sent.
 *
 * <pre class="code">
 * LoadRun run = LoadRun.builder(URI.create("http://127.0.0.1:8080/"))
 * 	.mode(LoadMode.KEEP_ALIVE)
 * 	.connections(8)
 * 	.duration(Duration.ofSeconds(10))
 * 	.maxRequests(100_000)
 * 	.start();
 * // ...
 * LoadReport report = run.stop();
 * </pre>
 *
 * @since 0.1.0
 */
public final class LoadRun {

	private static final AtomicInteger RUN_NUMBERS = new AtomicInteger();

	private static final Set<String> MANAGED_HEADERS = Set.of("host", "connection", "content-length",
			"transfer-encoding");

	private final URI target;

	private final LoadMode mode;

	private final int connections;

	private final long maxRequests;

	private final long startNanos;

	private final long deadlineNanos;

	private final boolean hasDeadline;

	private final long drainNanos;

	private final AtomicLong requestsStarted = new AtomicLong();

	private final AtomicInteger running;

	private final CountDownLatch stopRequested = new CountDownLatch(1);

	private final CountDownLatch finished;

	private final List<ConnectionWorker> workers = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean stopping;

	private volatile boolean aborted;

	private volatile long endNanos;

	private @Nullable LoadReport finalReport;

	private LoadRun(Builder builder) {
		LoadTarget target = builder.target;
		this.target = target.uri();
		this.mode = builder.mode;
		this.connections = builder.connections;
		this.maxRequests = builder.maxRequests;
		this.running = new AtomicInteger(builder.connections);
		this.finished = new CountDownLatch(builder.connections);
		int connectTimeout = millis(builder.connectTimeout);
		int readTimeout = millis(builder.readTimeout);
		this.drainNanos = builder.connectTimeout.plus(builder.readTimeout).plusSeconds(1).toNanos();
		boolean keepAlive = builder.mode == LoadMode.KEEP_ALIVE;
		byte[] request = HttpConnection.request(target, builder.headers, !keepAlive);
		int run = RUN_NUMBERS.incrementAndGet();
		for (int i = 0; i < builder.connections; i++) {
			HttpConnection connection = new HttpConnection(target.address(), connectTimeout, readTimeout, request);
			ConnectionWorker worker = new ConnectionWorker(this, connection, keepAlive, builder.pause.toNanos());
			Thread thread = new Thread(worker, "load-harness-" + run + "-" + (i + 1));
			thread.setDaemon(true);
			this.workers.add(worker);
			this.threads.add(thread);
		}
		this.startNanos = System.nanoTime();
		this.hasDeadline = builder.duration != null;
		this.deadlineNanos = (builder.duration != null) ? this.startNanos + builder.duration.toNanos() : 0;
	}

	private static int millis(Duration timeout) {
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
	}

	/**
	 * Prepare load on the given URL.
	 * @param target an {@code http://} URL on 127.0.0.1, [::1] or {@code localhost}
	 * @return a builder to configure and start the run
	 * @throws IllegalArgumentException if the URL is not an {@code http://} URL on the
	 * loopback interface
	 */
	public static Builder builder(URI target) {
		return new Builder(LoadTarget.of(target));
	}

	/**
	 * Counts so far, while the run goes on.
	 * @return a report that is {@link LoadReport#isComplete() complete} only once the
	 * run has ended
	 */
	public LoadReport snapshot() {
		return report();
	}

	/**
	 * Whether the run has ended: every connection has finished its last request.
	 * @return whether the run is over
	 */
	public boolean isFinished() {
		return this.finished.getCount() == 0;
	}

	/**
	 * Wait for the run to end by itself, at its duration or maximum number of requests.
	 * @return the final report
	 * @throws InterruptedException if interrupted while waiting; the run goes on
	 */
	public LoadReport await() throws InterruptedException {
		this.finished.await();
		for (Thread thread : this.threads) {
			thread.join();
		}
		return report();
	}

	/**
	 * Stop the run: no connection starts another request, and the requests in flight
	 * finish within their timeouts. A request still running after the connect timeout
	 * plus the read timeout plus one second is cut off and counted as
	 * {@link LoadReport#abandoned() abandoned}. Nothing of the run is left running
	 * afterwards. Calling this method again, or after the run ended by itself, returns
	 * the same report.
	 * @return the final report
	 */
	public LoadReport stop() {
		this.stopping = true;
		this.stopRequested.countDown();
		boolean interrupted = false;
		try {
			if (!this.finished.await(this.drainNanos, TimeUnit.NANOSECONDS)) {
				abort();
			}
		}
		catch (InterruptedException ex) {
			interrupted = true;
			abort();
		}
		for (Thread thread : this.threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
				abort();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return report();
	}

	private void abort() {
		this.aborted = true;
		this.workers.forEach(ConnectionWorker::abort);
	}

	private synchronized LoadReport report() {
		if (this.finalReport != null) {
			return this.finalReport;
		}
		boolean complete = isFinished();
		long end = complete ? this.endNanos : System.nanoTime();
		Tally total = new Tally();
		this.workers.forEach((worker) -> worker.tally().addTo(total));
		LoadReport report = new LoadReport(this.target, this.mode, this.connections,
				Duration.ofNanos(end - this.startNanos), complete, total);
		if (complete) {
			this.finalReport = report;
		}
		return report;
	}

	private void launch() {
		for (int i = 0; i < this.threads.size(); i++) {
			try {
				this.threads.get(i).start();
			}
			catch (RuntimeException | Error ex) {
				// Out of threads, typically: end the run with the connections that started
				this.stopping = true;
				this.stopRequested.countDown();
				for (int notStarted = i; notStarted < this.threads.size(); notStarted++) {
					workerFinished();
				}
				stop();
				throw ex;
			}
		}
	}

	/**
	 * Take a permit for one more request.
	 * @return whether the request may start
	 */
	boolean startRequest() {
		if (this.stopping || (this.hasDeadline && System.nanoTime() - this.deadlineNanos >= 0)) {
			return false;
		}
		return this.maxRequests == 0 || this.requestsStarted.incrementAndGet() <= this.maxRequests;
	}

	/**
	 * Wait between two requests of a connection, but not past a stop or the deadline.
	 * @param nanos how long to wait
	 * @return whether the run goes on
	 */
	boolean pause(long nanos) {
		long wait = nanos;
		if (this.hasDeadline) {
			wait = Math.min(wait, this.deadlineNanos - System.nanoTime());
		}
		if (wait > 0) {
			try {
				this.stopRequested.await(wait, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return !this.stopping;
	}

	boolean isAborted() {
		return this.aborted;
	}

	void workerFinished() {
		if (this.running.decrementAndGet() == 0) {
			this.endNanos = System.nanoTime();
		}
		this.finished.countDown();
	}

	/**
	 * Configures and starts a {@link LoadRun}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final LoadTarget target;

		private LoadMode mode = LoadMode.KEEP_ALIVE;

		private int connections = 8;

		private @Nullable Duration duration;

		private long maxRequests;

		private Duration connectTimeout = Duration.ofSeconds(2);

		private Duration readTimeout = Duration.ofSeconds(10);

		private Duration pause = Duration.ZERO;

		private final Map<String, String> headers = new LinkedHashMap<>();

		private Builder(LoadTarget target) {
			this.target = target;
		}

		/**
		 * Set how connections are used; {@link LoadMode#KEEP_ALIVE} by default.
		 * @param mode the mode
		 * @return this builder
		 */
		public Builder mode(LoadMode mode) {
			this.mode = mode;
			return this;
		}

		/**
		 * Set the number of concurrent connections, each with a thread of its own; 8 by
		 * default.
		 * @param connections the number of connections, at least 1
		 * @return this builder
		 */
		public Builder connections(int connections) {
			if (connections < 1) {
				throw new IllegalArgumentException("connections must be at least 1, not " + connections);
			}
			this.connections = connections;
			return this;
		}

		/**
		 * Set how long the run lasts: after it no request starts, and the run ends when
		 * the requests in flight have finished.
		 * @param duration the duration, positive
		 * @return this builder
		 */
		public Builder duration(Duration duration) {
			this.duration = positive("duration", duration);
			return this;
		}

		/**
		 * Set how many requests the run sends in total at most.
		 * @param maxRequests the number of requests, at least 1
		 * @return this builder
		 */
		public Builder maxRequests(long maxRequests) {
			if (maxRequests < 1) {
				throw new IllegalArgumentException("maxRequests must be at least 1, not " + maxRequests);
			}
			this.maxRequests = maxRequests;
			return this;
		}

		/**
		 * Set the connect timeout; 2 seconds by default.
		 * @param connectTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive("connectTimeout", connectTimeout);
			return this;
		}

		/**
		 * Set the read timeout: how long the server may stay silent before or during a
		 * response; 10 seconds by default.
		 * @param readTimeout the timeout, positive
		 * @return this builder
		 */
		public Builder readTimeout(Duration readTimeout) {
			this.readTimeout = positive("readTimeout", readTimeout);
			return this;
		}

		/**
		 * Set how long each connection waits after a request before it sends the next
		 * one, for a gentle load; none by default.
		 * @param pause the pause, zero or positive
		 * @return this builder
		 */
		public Builder pause(Duration pause) {
			if (pause.isNegative()) {
				throw new IllegalArgumentException("pause must not be negative, not " + pause);
			}
			this.pause = pause;
			return this;
		}

		/**
		 * Add a header to every request. {@code Host}, {@code Connection},
		 * {@code Content-Length} and {@code Transfer-Encoding} are the run's own.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
				throw new IllegalArgumentException("Invalid header name '" + name + "'");
			}
			if (MANAGED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException("Header " + name + " is set by the load run itself");
			}
			if (value.chars().anyMatch((c) -> c == '\r' || c == '\n' || c == 0 || c > 0xFF)) {
				throw new IllegalArgumentException("Invalid value for header " + name);
			}
			this.headers.put(name, value);
			return this;
		}

		/**
		 * Start the load.
		 * @return the running load
		 * @throws IllegalStateException if neither a duration nor a maximum number of
		 * requests is set
		 */
		public LoadRun start() {
			if (this.duration == null && this.maxRequests == 0) {
				throw new IllegalStateException("A load run needs a duration, a maximum number of requests or both");
			}
			LoadRun run = new LoadRun(this);
			run.launch();
			return run;
		}

		private static Duration positive(String name, Duration duration) {
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, not " + duration);
			}
			return duration;
		}

		private static boolean isTokenChar(int c) {
			return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
		}

	}

}
