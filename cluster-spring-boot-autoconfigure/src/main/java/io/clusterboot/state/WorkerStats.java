package io.clusterboot.state;

import org.jspecify.annotations.Nullable;

/**
 * The sample of a worker's state carried by its latest heartbeat.
 *
 * @param heapUsed bytes of heap in use
 * @param heapAfterGc bytes of heap in use after the latest garbage collection, or -1
 * @param heapMax maximum heap in bytes, or -1 if undefined
 * @param requests requests served since the worker started
 * @param requestsInFlight requests being served now
 * @param sinceRequestCompletedMillis time since a request last completed or reached the
 * worker while it had none in flight, or since the worker became ready if neither has
 * happened, or -1 before it is ready
 * @param messagesRefused messages to the master this worker's messenger refused because
 * the master had not yet delivered the earlier ones
 * @param uptimeMillis time since the worker's JVM started
 * @param liveness Spring liveness state, or {@code null} if not yet known
 * @param readiness Spring readiness state, or {@code null} if not yet known
 * @since 0.1.0
 */
public record WorkerStats(long heapUsed, long heapAfterGc, long heapMax, long requests, int requestsInFlight,
		long sinceRequestCompletedMillis, long messagesRefused, long uptimeMillis, @Nullable String liveness,
		@Nullable String readiness) {

	/**
	 * Statistics of a worker that has not reported yet.
	 */
	public static final WorkerStats NONE = new WorkerStats(0, -1, -1, 0, 0, -1, 0, 0, null, null);

}
