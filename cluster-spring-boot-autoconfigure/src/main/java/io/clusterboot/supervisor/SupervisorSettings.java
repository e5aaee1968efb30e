package io.clusterboot.supervisor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * How a {@link ClusterSupervisor} runs its workers, as the auto-configuration maps it from
 * the {@code cluster.*} properties.
 *
 * @param workers how many workers to start with
 * @param maxWorkers the most workers the cluster may run
 * @param spares how many hot spares to keep booted, waiting to be promoted
 * @param bootConcurrency how many workers boot at once, or 0 for one per two processors
 * @param shutdownTimeout how long a stopping worker has before it is killed
 * ({@code cluster.shutdown-timeout})
 * @param bootTimeout how long a new worker has to become ready
 * @param hangTimeout how long a worker may be silent, or leave requests in flight with
 * none completing, before it counts as hung ({@code cluster.worker.timeout})
 * @param heartbeatInterval how often workers report
 * @param messageCredit how many user messages each worker may have on their way to the
 * master's listeners at once
 * @param scrapeTimeout how long a merged scrape waits for the other workers
 * @param restart when and how often to restart workers that exit unplanned
 * @param recycling when to replace a worker that has done enough
 * @since 0.1.0
 */
public record SupervisorSettings(int workers, int maxWorkers, int spares, int bootConcurrency,
		Duration shutdownTimeout, Duration bootTimeout, Duration hangTimeout, Duration heartbeatInterval,
		int messageCredit, Duration scrapeTimeout, Restart restart, Recycling recycling) {

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException naming the property that is out of range
	 */
	public SupervisorSettings {
		if (workers < 1) {
			throw new IllegalArgumentException("cluster.workers must be 'auto' or a positive number, not " + workers);
		}
		if (maxWorkers < 1) {
			throw new IllegalArgumentException("cluster.max-workers must be at least 1, not " + maxWorkers);
		}
		if (spares < 0) {
			throw new IllegalArgumentException("cluster.worker.spares must be 0 or more, not " + spares);
		}
		if (bootConcurrency < 0) {
			throw new IllegalArgumentException("cluster.worker.boot-concurrency must be 0 (one per two processors) "
					+ "or more, not " + bootConcurrency);
		}
		if (messageCredit < 1) {
			throw new IllegalArgumentException("The message credit must be at least 1, not " + messageCredit);
		}
	}

	/**
	 * Restarts after unplanned exits ({@code cluster.restart.*}).
	 *
	 * @param backoff the delay before each consecutive restart
	 * @param resetAfter how long a worker must have served for its slot's next restart to
	 * wait only the initial delay again
	 * @param maxBootFailures how many workers in a row may fail to boot at the first start
	 * before the master gives up; once the cluster has served, a slot that cannot boot
	 * backs off instead
	 */
	public record Restart(RestartBackoff backoff, Duration resetAfter, int maxBootFailures) {

		/**
		 * Check the settings.
		 * @throws IllegalArgumentException if {@code maxBootFailures} is less than 1
		 */
		public Restart {
			if (maxBootFailures < 1) {
				throw new IllegalArgumentException(
						"cluster.restart.max-boot-failures must be at least 1, not " + maxBootFailures);
			}
		}

	}

	/**
	 * Replacement of workers that have done enough ({@code cluster.worker.max-*}).
	 *
	 * @param maxRequests requests after which a worker is replaced, or 0 for no limit
	 * @param maxRequestsJitter the most each worker adds to {@code maxRequests}, drawn at
	 * random, so that workers are not all replaced at once
	 * @param maxMemory heap after garbage collection above which a worker is replaced, or
	 * {@code null}
	 * @param maxLifetime age after which a worker is replaced, or {@code null}
	 */
	public record Recycling(long maxRequests, long maxRequestsJitter, @Nullable DataSize maxMemory,
			@Nullable Duration maxLifetime) {

		/**
		 * No recycling.
		 */
		public static final Recycling NONE = new Recycling(0, 0, null, null);

	}

}
