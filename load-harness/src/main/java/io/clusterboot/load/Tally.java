package io.clusterboot.load;

import java.util.Map;
import java.util.TreeMap;

/**
 * Outcome counts of one connection of a {@link LoadRun}, or their sum; the connection
 * records without contention and a snapshot adds all of them up under their locks.
 */
final class Tally {

	private static final int FRESH = 0;

	private static final int REUSED = 1;

	private final long[] statuses = new long[1000];

	private final long[][] failures = new long[FailureKind.values().length][2];

	private final Map<String, Long> otherFailures = new TreeMap<>();

	private final Map<Long, Long> pids = new TreeMap<>();

	private final LatencyHistogram latency = new LatencyHistogram();

	private long abandoned;

	private long connectionsOpened;

	synchronized void recordResponse(int status, long nanos, long pid) {
		this.statuses[status]++;
		if (status / 100 == 2) {
			this.latency.record(nanos);
		}
		if (pid >= 0) {
			this.pids.merge(pid, 1L, Long::sum);
		}
	}

	synchronized void recordFailure(FailureKind kind, boolean reused, Throwable cause) {
		this.failures[kind.ordinal()][reused ? REUSED : FRESH]++;
		if (kind == FailureKind.OTHER) {
			this.otherFailures.merge(cause.getClass().getName(), 1L, Long::sum);
		}
	}

	synchronized void recordAbandoned() {
		this.abandoned++;
	}

	synchronized void recordConnectionOpened() {
		this.connectionsOpened++;
	}

	/**
	 * Add this tally to another one.
	 * @param total the tally to add to, not shared with other threads yet
	 */
	synchronized void addTo(Tally total) {
		for (int i = 0; i < this.statuses.length; i++) {
			total.statuses[i] += this.statuses[i];
		}
		for (int i = 0; i < this.failures.length; i++) {
			total.failures[i][FRESH] += this.failures[i][FRESH];
			total.failures[i][REUSED] += this.failures[i][REUSED];
		}
		this.otherFailures.forEach((type, count) -> total.otherFailures.merge(type, count, Long::sum));
		this.pids.forEach((pid, count) -> total.pids.merge(pid, count, Long::sum));
		total.latency.add(this.latency);
		total.abandoned += this.abandoned;
		total.connectionsOpened += this.connectionsOpened;
	}

	Map<Integer, Long> statuses() {
		Map<Integer, Long> statuses = new TreeMap<>();
		for (int status = 0; status < this.statuses.length; status++) {
			if (this.statuses[status] != 0) {
				statuses.put(status, this.statuses[status]);
			}
		}
		return statuses;
	}

	long failures(FailureKind kind, boolean reused) {
		return this.failures[kind.ordinal()][reused ? REUSED : FRESH];
	}

	Map<String, Long> otherFailures() {
		return this.otherFailures;
	}

	Map<Long, Long> pids() {
		return this.pids;
	}

	LatencyHistogram latency() {
		return this.latency;
	}

	long abandoned() {
		return this.abandoned;
	}

	long connectionsOpened() {
		return this.connectionsOpened;
	}

}
