package io.clusterboot.it;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;

/**
 * A client of a real cluster on a thread of its own: one {@code GET} after another, each
 * on a new connection so that the kernel picks a worker for each, until stopped (after
 * five minutes at the latest). It counts who answered and keeps every failure (no answer,
 * a status other than 200, or an answer the check refuses), with when it happened.
 */
final class RequestLoop implements AutoCloseable {

	private static final Duration LONGEST = Duration.ofMinutes(5);

	private final ClusterProcess cluster;

	private final String path;

	private final Consumer<JsonNode> check;

	private final Duration pause;

	private final Map<Long, AtomicLong> answeredBy = new ConcurrentHashMap<>();

	private final List<String> failures = new ArrayList<>();

	private final Thread thread;

	private volatile boolean stopped;

	private RequestLoop(ClusterProcess cluster, String path, Consumer<JsonNode> check, Duration pause) {
		this.cluster = cluster;
		this.path = path;
		this.check = check;
		this.pause = pause;
		this.thread = new Thread(this::run, "request-loop");
		this.thread.setDaemon(true);
	}

	/**
	 * Start asking {@code GET /}, which every worker answers with its id and pid.
	 * @param cluster the cluster
	 * @param pause the pause between one response and the next request
	 * @return the running loop
	 */
	static RequestLoop start(ClusterProcess cluster, Duration pause) {
		return start(cluster, "/", (answer) -> {
		}, pause);
	}

	/**
	 * Start asking {@code GET path}.
	 * @param cluster the cluster
	 * @param path the path
	 * @param check throws an {@link AssertionError} for an answer that counts as a failure
	 * @param pause the pause between one response and the next request
	 * @return the running loop
	 */
	static RequestLoop start(ClusterProcess cluster, String path, Consumer<JsonNode> check, Duration pause) {
		RequestLoop loop = new RequestLoop(cluster, path, check, pause);
		loop.thread.start();
		return loop;
	}

	private void run() {
		long end = System.nanoTime() + LONGEST.toNanos();
		while (!this.stopped && System.nanoTime() - end < 0) {
			try {
				JsonNode answer = this.cluster.requestOnNewConnection("GET", this.path);
				this.check.accept(answer);
				long pid = answer.has("pid") ? answer.get("pid").asLong() : -1;
				this.answeredBy.computeIfAbsent(pid, (key) -> new AtomicLong()).incrementAndGet();
			}
			catch (RuntimeException | AssertionError ex) {
				synchronized (this.failures) {
					this.failures.add(Instant.now() + " " + ex);
				}
			}
			try {
				Thread.sleep(this.pause.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * Stop sending and wait for the last request to end.
	 * @return this loop, for its counts
	 */
	RequestLoop stop() {
		this.stopped = true;
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(30));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return this;
	}

	/**
	 * Requests answered so far, by the pid of the worker that answered (-1 for an answer
	 * that does not say).
	 */
	Map<Long, Long> answeredBy() {
		Map<Long, Long> counts = new TreeMap<>();
		this.answeredBy.forEach((pid, count) -> counts.put(pid, count.get()));
		return counts;
	}

	long answered() {
		return answeredBy().values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * The requests that failed so far: when, and how.
	 */
	List<String> failures() {
		synchronized (this.failures) {
			return new ArrayList<>(this.failures);
		}
	}

	@Override
	public void close() {
		stop();
	}

}
