package io.clusterboot.internal.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerStats;

/**
 * What {@code --cluster.control=status} prints: a line about the cluster, then one row
 * per worker process (and per slot waiting for one), for people to read.
 */
final class StatusTable {

	private static final String SPARE = "spare";


	private static final String[] HEADERS = { "WORKER", "PID", "STATE", "UPTIME", "RESTARTS", "HEAP", "REQUESTS",
			"LAST EXIT" };

	private static final long MB = 1024 * 1024;

	private StatusTable() {
	}

	/**
	 * Format a snapshot.
	 * @param snapshot the master's snapshot
	 * @return the lines, each ending with a line separator
	 */
	static String format(ClusterSnapshot snapshot) {
		Instant now = snapshot.takenAt();
		StringBuilder text = new StringBuilder();
		text.append("Cluster master pid ")
			.append(snapshot.masterPid())
			.append(", up ")
			.append(duration(Duration.between(snapshot.startedAt(), now)));
		if (snapshot.port() > 0) {
			text.append(", port ").append(snapshot.port()).append(" (").append(snapshot.portSharing()).append(")");
		}
		text.append(": ")
			.append(snapshot.listeningWorkers())
			.append(" of ")
			.append(snapshot.targetWorkers())
			.append(" workers listening")
			.append(snapshot.stopping() ? ", stopping" : "")
			.append(System.lineSeparator());
		RolloutStatus rollout = snapshot.rollout();
		if (rollout != null && rollout.running()) {
			text.append("Rolling ")
				.append(rollout.reason())
				.append(" under way: ")
				.append(rollout.replaced().size())
				.append(" of ")
				.append(rollout.replaced().size() + rollout.pending().size())
				.append(" replaced")
				.append(System.lineSeparator());
		}
		List<String[]> rows = new ArrayList<>();
		rows.add(HEADERS);
		snapshot.workers()
			.stream()
			.sorted(Comparator.comparingInt(WorkerInfo::id).thenComparing(WorkerInfo::forkedAt))
			.forEach((worker) -> rows.add(row(worker, now)));
		for (SlotInfo slot : snapshot.slots()) {
			if (snapshot.worker(slot.id()).isEmpty()) {
				rows.add(row(slot, now));
			}
		}
		// By slot, the header first and spares (not a slot's) last
		rows.sort(Comparator.comparingInt((String[] row) -> (row == HEADERS) ? -1
				: SPARE.equals(row[0]) ? Integer.MAX_VALUE : Integer.parseInt(row[0])));
		int[] widths = new int[HEADERS.length];
		for (String[] row : rows) {
			for (int i = 0; i < row.length; i++) {
				widths[i] = Math.max(widths[i], row[i].length());
			}
		}
		for (String[] row : rows) {
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < row.length; i++) {
				line.append(row[i]);
				if (i < row.length - 1) {
					line.append(" ".repeat(widths[i] - row[i].length() + 2));
				}
			}
			text.append(line.toString().stripTrailing()).append(System.lineSeparator());
		}
		return text.toString();
	}

	private static String[] row(WorkerInfo worker, Instant now) {
		WorkerStats stats = worker.stats();
		boolean reported = worker.lastHeartbeatAt() != null;
		return new String[] { (worker.id() != 0) ? Integer.toString(worker.id()) : SPARE, Long.toString(worker.pid()),
				worker.state().name().toLowerCase(Locale.ROOT), duration(Duration.between(worker.forkedAt(), now)),
				Integer.toString(worker.restarts()), reported ? heap(stats) : "-",
				reported ? Long.toString(stats.requests()) : "-", exit(worker.lastExit(), now) };
	}

	private static String[] row(SlotInfo slot, Instant now) {
		String state = (slot.nextStartAt() != null)
				? "restarting in " + duration(Duration.between(now, slot.nextStartAt())) : "starting";
		return new String[] { Integer.toString(slot.id()), "-", state, "-", Integer.toString(slot.restarts()), "-",
				"-", exit(slot.lastExit(), now) };
	}

	private static String heap(WorkerStats stats) {
		String used = stats.heapUsed() / MB + " MB";
		return (stats.heapMax() > 0) ? used + " / " + stats.heapMax() / MB + " MB" : used;
	}

	private static String exit(@Nullable WorkerExit exit, Instant now) {
		if (exit == null) {
			return "-";
		}
		return exit.describe() + ", " + duration(Duration.between(exit.at(), now)) + " ago";
	}

	/**
	 * A duration the way {@code ps} and {@code uptime} show one: {@code 45s},
	 * {@code 5m 03s}, {@code 2h 07m}, {@code 3d 04h}.
	 * @param duration the duration
	 * @return the text
	 */
	static String duration(Duration duration) {
		long seconds = Math.max(0, duration.toSeconds());
		if (seconds < 60) {
			return seconds + "s";
		}
		if (seconds < 3600) {
			return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
		}
		if (seconds < 86400) {
			return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
		}
		return String.format(Locale.ROOT, "%dd %02dh", seconds / 86400, (seconds % 86400) / 3600);
	}

}
