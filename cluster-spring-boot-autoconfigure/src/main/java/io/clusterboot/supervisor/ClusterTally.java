package io.clusterboot.supervisor;

import java.util.EnumMap;
import java.util.Map;

import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ExitCause;

/**
 * The running totals of {@link ClusterCounters}, as the supervisor's thread updates them.
 */
final class ClusterTally {

	private final Map<ExitCause, Long> exits = new EnumMap<>(ExitCause.class);

	long restarts;

	long rolloutsCompleted;

	long rolloutsFailed;

	void exited(ExitCause cause) {
		this.exits.merge(cause, 1L, Long::sum);
	}

	ClusterCounters snapshot(long messages, long messagesDropped) {
		return new ClusterCounters(Map.copyOf(this.exits), this.restarts, this.rolloutsCompleted,
				this.rolloutsFailed, messages, messagesDropped);
	}

}
