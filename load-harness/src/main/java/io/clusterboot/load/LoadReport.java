package io.clusterboot.load;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Outcome of every request of a {@link LoadRun} so far: 2xx responses, other responses
 * by status, failures by {@link FailureKind}, latency of the 2xx responses and which
 * process answered.
 * <p>
 * Every request that was started is counted exactly once: in {@link #requests()} (a
 * response or a failure) or, if {@link LoadRun#stop()} had to cut it off, in
 * {@link #abandoned()}. A snapshot taken while the run goes on may miss only the requests
 * in flight.
 *
 * @since 0.1.0
 */
public final class LoadReport {

	private final URI target;

	private final LoadMode mode;

	private final int connections;

	private final Duration elapsed;

	private final boolean complete;

	private final Map<Integer, Long> statuses;

	private final long successes;

	private final long non2xx;

	private final Map<FailureKind, Long> failuresOnFreshConnections = new EnumMap<>(FailureKind.class);

	private final Map<FailureKind, Long> failuresOnReusedConnections = new EnumMap<>(FailureKind.class);

	private final long failures;

	private final Map<String, Long> otherFailures;

	private final Map<Long, Long> pids;

	private final long abandoned;

	private final long connectionsOpened;

	private final LatencySummary latency;

	LoadReport(URI target, LoadMode mode, int connections, Duration elapsed, boolean complete, Tally tally) {
		this.target = target;
		this.mode = mode;
		this.connections = connections;
		this.elapsed = elapsed;
		this.complete = complete;
		this.statuses = Collections.unmodifiableMap(tally.statuses());
		this.successes = sum(this.statuses, true);
		this.non2xx = sum(this.statuses, false);
		long failures = 0;
		for (FailureKind kind : FailureKind.values()) {
			this.failuresOnFreshConnections.put(kind, tally.failures(kind, false));
			this.failuresOnReusedConnections.put(kind, tally.failures(kind, true));
			failures += tally.failures(kind, false) + tally.failures(kind, true);
		}
		this.failures = failures;
		this.otherFailures = Collections.unmodifiableMap(new TreeMap<>(tally.otherFailures()));
		this.pids = Collections.unmodifiableMap(new TreeMap<>(tally.pids()));
		this.abandoned = tally.abandoned();
		this.connectionsOpened = tally.connectionsOpened();
		this.latency = LatencySummary.of(tally.latency());
	}

	private static long sum(Map<Integer, Long> statuses, boolean successful) {
		return statuses.entrySet()
			.stream()
			.filter((entry) -> (entry.getKey() / 100 == 2) == successful)
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

	/**
	 * The URL the load went to.
	 * @return the target URL
	 */
	public URI target() {
		return this.target;
	}

	/**
	 * How the run used its connections.
	 * @return the mode
	 */
	public LoadMode mode() {
		return this.mode;
	}

	/**
	 * The number of concurrent connections of the run.
	 * @return the number of connections
	 */
	public int connections() {
		return this.connections;
	}

	/**
	 * Time from the start of the run to its end, or to this snapshot.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		return this.elapsed;
	}

	/**
	 * Whether the run had ended when this report was made, so that its counts are final.
	 * @return whether the report is final
	 */
	public boolean isComplete() {
		return this.complete;
	}

	/**
	 * The number of requests that got a response or failed.
	 * @return successes, non-2xx responses and failures together
	 */
	public long requests() {
		return this.successes + this.non2xx + this.failures;
	}

	/**
	 * Completed requests per second.
	 * @return {@link #requests()} divided by {@link #elapsed()} in seconds
	 */
	public double throughput() {
		double seconds = this.elapsed.toNanos() / 1e9;
		return (seconds > 0) ? requests() / seconds : 0;
	}

	/**
	 * The number of complete responses with a 2xx status.
	 * @return the number of successful requests
	 */
	public long successes() {
		return this.successes;
	}

	/**
	 * The number of complete responses with a status other than 2xx.
	 * @return the number of non-2xx responses
	 */
	public long non2xx() {
		return this.non2xx;
	}

	/**
	 * The number of complete responses by status, 2xx included.
	 * @return response counts by status code, in status order
	 */
	public Map<Integer, Long> statuses() {
		return this.statuses;
	}

	/**
	 * The number of complete responses with the given status.
	 * @param status the status code
	 * @return the number of responses
	 */
	public long status(int status) {
		return this.statuses.getOrDefault(status, 0L);
	}

	/**
	 * The number of requests that got no complete response, whatever the kind.
	 * @return the number of failed requests
	 */
	public long failures() {
		return this.failures;
	}

	/**
	 * The number of requests that failed in the given way.
	 * @param kind the kind of failure
	 * @return the number of failed requests
	 */
	public long failures(FailureKind kind) {
		return failuresOnFreshConnections(kind) + failuresOnReusedConnections(kind);
	}

	/**
	 * The number of requests that failed in the given way on a connection opened for
	 * them, connect failures included.
	 * @param kind the kind of failure
	 * @return the number of failed requests
	 */
	public long failuresOnFreshConnections(FailureKind kind) {
		return this.failuresOnFreshConnections.get(kind);
	}

	/**
	 * The number of requests that failed in the given way on a keep-alive connection that
	 * had carried an earlier request, typically because the server closed it at the same
	 * time as the request was sent.
	 * @param kind the kind of failure
	 * @return the number of failed requests
	 */
	public long failuresOnReusedConnections(FailureKind kind) {
		return this.failuresOnReusedConnections.get(kind);
	}

	/**
	 * The number of failed requests by kind, kinds without failures included.
	 * @return failure counts by kind
	 */
	public Map<FailureKind, Long> failuresByKind() {
		Map<FailureKind, Long> failures = new EnumMap<>(FailureKind.class);
		for (FailureKind kind : FailureKind.values()) {
			failures.put(kind, failures(kind));
		}
		return Collections.unmodifiableMap(failures);
	}

	/**
	 * The exceptions behind the {@link FailureKind#OTHER} failures.
	 * @return failure counts by exception class name
	 */
	public Map<String, Long> otherFailures() {
		return this.otherFailures;
	}

	/**
	 * The number of requests in flight that {@link LoadRun#stop()} cut off because they
	 * took longer than their timeouts allow; neither a response nor a failure.
	 * @return the number of abandoned requests
	 */
	public long abandoned() {
		return this.abandoned;
	}

	/**
	 * The number of connections established, reconnections included.
	 * @return the number of connections opened
	 */
	public long connectionsOpened() {
		return this.connectionsOpened;
	}

	/**
	 * Latency of the 2xx responses.
	 * @return the latency percentiles
	 */
	public LatencySummary latency() {
		return this.latency;
	}

	/**
	 * The number of responses by the process id in their body: the first
	 * {@code "pid":<digits>} in its first 64 KB. Responses without one are not counted.
	 * @return response counts by pid, in pid order
	 */
	public Map<Long, Long> pids() {
		return this.pids;
	}

	/**
	 * A summary for people, on several lines, listing only kinds of failure that occurred.
	 * @return the summary
	 */
	public String format() {
		StringBuilder text = new StringBuilder();
		text.append(String.format(Locale.ROOT, "Load on %s (%s, %d connections): %.3f s, %s%n", this.target,
				modeName(), this.connections, seconds(), this.complete ? "complete" : "in progress"));
		text.append(String.format(Locale.ROOT, "  %-22s %12d  %.1f/s%n", "requests", requests(), throughput()));
		text.append(String.format(Locale.ROOT, "    %-20s %12d%n", "2xx", this.successes));
		text.append(String.format(Locale.ROOT, "    %-20s %12d%s%n", "non-2xx", this.non2xx,
				(this.non2xx != 0) ? "  " + joined(non2xxStatuses(), ", ", ": ") : ""));
		text.append(String.format(Locale.ROOT, "    %-20s %12d%n", "failures", this.failures));
		for (FailureKind kind : FailureKind.values()) {
			if (failures(kind) != 0) {
				text.append(String.format(Locale.ROOT, "      %-22s %8d  fresh %d, reused %d%s%n", kind,
						failures(kind), failuresOnFreshConnections(kind), failuresOnReusedConnections(kind),
						(kind == FailureKind.OTHER) ? "; " + joined(this.otherFailures, ", ", ": ") : ""));
			}
		}
		text.append(String.format(Locale.ROOT, "  %-22s %12d%n", "abandoned", this.abandoned));
		text.append(String.format(Locale.ROOT, "  %-22s %12d%n", "connections opened", this.connectionsOpened));
		text.append(String.format(Locale.ROOT,
				"  %-22s p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", "latency of 2xx",
				millis(this.latency.p50()), millis(this.latency.p90()), millis(this.latency.p99()),
				millis(this.latency.p999()), millis(this.latency.max())));
		if (!this.pids.isEmpty()) {
			text.append(String.format(Locale.ROOT, "  %-22s %s%n", "pids", joined(this.pids, ", ", ": ")));
		}
		return text.toString();
	}

	/**
	 * A header line and a value line, tab-separated, with the same columns whatever the
	 * outcome, for scripts and spreadsheets.
	 * @return the two lines
	 */
	public String formatTsv() {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("target", this.target);
		values.put("mode", modeName());
		values.put("connections", this.connections);
		values.put("elapsed_s", String.format(Locale.ROOT, "%.3f", seconds()));
		values.put("complete", this.complete);
		values.put("requests", requests());
		values.put("throughput_rps", String.format(Locale.ROOT, "%.1f", throughput()));
		values.put("successes", this.successes);
		values.put("non2xx", this.non2xx);
		values.put("non2xx_statuses", joined(non2xxStatuses(), ",", ":"));
		values.put("failures", this.failures);
		for (FailureKind kind : FailureKind.values()) {
			values.put(kind.name().toLowerCase(Locale.ROOT), failures(kind));
			if (kind == FailureKind.CLOSED_BEFORE_RESPONSE) {
				values.put("closed_before_response_reused", failuresOnReusedConnections(kind));
			}
		}
		values.put("abandoned", this.abandoned);
		values.put("connections_opened", this.connectionsOpened);
		values.put("p50_ms", millisText(this.latency.p50()));
		values.put("p90_ms", millisText(this.latency.p90()));
		values.put("p99_ms", millisText(this.latency.p99()));
		values.put("p999_ms", millisText(this.latency.p999()));
		values.put("max_ms", millisText(this.latency.max()));
		values.put("pids", joined(this.pids, ",", ":"));
		StringJoiner header = new StringJoiner("\t", "", System.lineSeparator());
		StringJoiner row = new StringJoiner("\t", "", System.lineSeparator());
		values.forEach((column, value) -> {
			header.add(column);
			row.add(String.valueOf(value));
		});
		return header.toString() + row;
	}

	@Override
	public String toString() {
		return format();
	}

	private Map<Integer, Long> non2xxStatuses() {
		return this.statuses.entrySet()
			.stream()
			.filter((entry) -> entry.getKey() / 100 != 2)
			.collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, TreeMap::new));
	}

	private String modeName() {
		return this.mode.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private double seconds() {
		return this.elapsed.toNanos() / 1e9;
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1e6;
	}

	private static String millisText(Duration duration) {
		return String.format(Locale.ROOT, "%.3f", millis(duration));
	}

	private static String joined(Map<?, Long> counts, String separator, String keyValueSeparator) {
		return counts.entrySet()
			.stream()
			.map((entry) -> entry.getKey() + keyValueSeparator + entry.getValue())
			.collect(Collectors.joining(separator));
	}

}
