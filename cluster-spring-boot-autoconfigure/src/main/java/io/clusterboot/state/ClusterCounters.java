package io.clusterboot.state;

import java.util.Map;

/**
 * Running totals the master keeps for the whole cluster since it started.
 *
 * @param exits worker exits by cause
 * @param restarts restarts after unplanned exits
 * @param rolloutsCompleted rolling replacements that replaced every worker they meant to
 * @param rolloutsFailed rolling replacements stopped by a replacement that failed
 * @param messages user messages the master received from workers
 * @param messagesDropped user messages the master could not pass on to a worker that
 * had stopped reading
 * @since 0.1.0
 */
public record ClusterCounters(Map<ExitCause, Long> exits, long restarts, long rolloutsCompleted, long rolloutsFailed,
		long messages, long messagesDropped) {

	/**
	 * Counters of a cluster where nothing has happened yet.
	 */
	public static final ClusterCounters NONE = new ClusterCounters(Map.of(), 0, 0, 0, 0, 0);

	/**
	 * Exits with one cause.
	 * @param cause the cause
	 * @return the number of exits
	 */
	public long exits(ExitCause cause) {
		return this.exits.getOrDefault(cause, 0L);
	}

}
