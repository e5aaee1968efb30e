package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

/**
 * Tells when a live worker has overrun a deadline and must be killed: not ready within
 * the boot timeout, silent for the hang timeout, or with requests in flight and none
 * completed for the hang timeout (every request thread stuck while its heartbeat thread
 * runs on). Long requests that complete, and idle workers, are not hung.
 */
final class Watchdog {

	private final Duration bootTimeout;

	private final Duration hangTimeout;

	Watchdog(Duration bootTimeout, Duration hangTimeout) {
		this.bootTimeout = bootTimeout;
		this.hangTimeout = hangTimeout;
	}

	/**
	 * Check a worker that the master has not already decided to stop or kill.
	 * @param worker the worker
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 * @return why the worker must be killed, or {@code null} if it is fine
	 */
	@Nullable Overrun check(SupervisedWorker worker, long now) {
		if (!worker.isReady() && !worker.isWaitingForPromotion()
				&& now - worker.bootStartedNanos > this.bootTimeout.toNanos()) {
			return new Overrun(ExitCause.BOOT_FAILED, "it was not ready within "
					+ ExitClassifier.formatDuration(this.bootTimeout) + " (cluster.worker.boot-timeout)");
		}
		if (worker.state != WorkerState.ONLINE && worker.state != WorkerState.SPARE
				&& worker.state != WorkerState.LISTENING) {
			return null;
		}
		long silentNanos = now - worker.lastHeartbeatNanos;
		if (silentNanos > this.hangTimeout.toNanos()) {
			return new Overrun(ExitCause.HUNG, "no heartbeat for " + ExitClassifier.formatDuration(this.hangTimeout)
					+ " (cluster.worker.timeout)");
		}
		WorkerStats stats = worker.stats;
		long sinceCompleted = stats.sinceRequestCompletedMillis();
		if (stats.requestsInFlight() > 0 && sinceCompleted >= 0
				&& sinceCompleted + TimeUnit.NANOSECONDS.toMillis(silentNanos) > this.hangTimeout.toMillis()) {
			return new Overrun(ExitCause.HUNG,
					stats.requestsInFlight() + " request" + ((stats.requestsInFlight() != 1) ? "s" : "")
							+ " in flight and none completed for " + ExitClassifier.formatDuration(this.hangTimeout)
							+ " (cluster.worker.timeout)");
		}
		return null;
	}

	/**
	 * A deadline a worker overran.
	 *
	 * @param cause the cause its exit gets
	 * @param why what it overran, for the log
	 */
	record Overrun(ExitCause cause, String why) {
	}

}
