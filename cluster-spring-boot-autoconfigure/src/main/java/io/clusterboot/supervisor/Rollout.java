package io.clusterboot.supervisor;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A rolling replacement in progress: slots are replaced one at a time, each by a new
 * worker that must be ready before the old one is drained.
 */
final class Rollout {

	final String reason;

	final ExitCause cause;

	final Instant startedAt = Instant.now();

	final Deque<Integer> pending;

	final List<Integer> replaced = new ArrayList<>();

	/**
	 * Slot being replaced now.
	 */
	@Nullable Integer current;

	/**
	 * The old worker of {@link #current}, draining.
	 */
	@Nullable Worker draining;

	Rollout(String reason, ExitCause cause, Collection<Integer> slots) {
		this.reason = reason;
		this.cause = cause;
		this.pending = new ArrayDeque<>(slots);
	}

	RolloutStatus status(@Nullable Instant finishedAt, @Nullable String failure) {
		List<Integer> pendingNow = new ArrayList<>();
		if (this.current != null && finishedAt == null) {
			pendingNow.add(this.current);
		}
		pendingNow.addAll(this.pending);
		return new RolloutStatus(this.reason, this.startedAt, finishedAt, List.copyOf(this.replaced),
				List.copyOf(pendingNow), failure);
	}

}
