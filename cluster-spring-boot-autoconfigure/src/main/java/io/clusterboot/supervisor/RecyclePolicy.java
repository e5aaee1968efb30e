package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.clusterboot.state.WorkerStats;

/**
 * When a worker has done enough and should be replaced: after {@code max-requests} (plus
 * its own jitter), when its heap after garbage collection exceeds {@code max-memory}, or
 * when it is older than {@code max-lifetime}.
 */
final class RecyclePolicy {

	private final SupervisorSettings.Recycling settings;

	private final Duration settleTime;

	/**
	 * Create a policy.
	 * @param settings the recycling limits
	 * @param settleTime how long a worker must have been ready before its memory is held
	 * against it
	 */
	RecyclePolicy(SupervisorSettings.Recycling settings, Duration settleTime) {
		this.settings = settings;
		this.settleTime = settleTime;
	}

	/**
	 * Draw the request limit of a new worker.
	 * @return {@code max-requests} plus a random jitter, or 0 for no limit
	 */
	long requestLimit() {
		long max = this.settings.maxRequests();
		long jitter = this.settings.maxRequestsJitter();
		if (max <= 0) {
			return 0;
		}
		return max + ((jitter > 0) ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
	}

	/**
	 * Why a listening worker should be recycled now.
	 * @param worker the worker
	 * @param now the current {@link System#nanoTime()}
	 * @return the reason, for the log, or {@code null} if it should not
	 */
	@Nullable String reason(SupervisedWorker worker, long now) {
		WorkerStats stats = worker.stats;
		if (worker.requestLimit > 0 && stats.requests() >= worker.requestLimit) {
			return "it served " + stats.requests() + " requests (cluster.worker.max-requests "
					+ this.settings.maxRequests() + ", this worker's limit " + worker.requestLimit + ")";
		}
		DataSize maxMemory = this.settings.maxMemory();
		if (maxMemory != null && stats.heapAfterGc() > maxMemory.toBytes()
				&& now - worker.listeningNanos >= this.settleTime.toNanos()) {
			return "its heap after garbage collection is " + DataSize.ofBytes(stats.heapAfterGc()).toMegabytes()
					+ "MB (cluster.worker.max-memory " + maxMemory + ")";
		}
		Duration maxLifetime = this.settings.maxLifetime();
		if (maxLifetime != null && now - worker.forkedNanos >= maxLifetime.toNanos()) {
			return "it is older than cluster.worker.max-lifetime (" + ExitClassifier.formatDuration(maxLifetime)
					+ ")";
		}
		return null;
	}

}
