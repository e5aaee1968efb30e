package io.clusterboot.state;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Progress of a rolling replacement of workers.
 *
 * @param reason why the rollout runs, e.g. {@code "restart"}
 * @param startedAt when it started
 * @param finishedAt when it finished, or {@code null} while it runs
 * @param replaced ids of the slots already replaced
 * @param pending ids of the slots still to replace
 * @param failure why it stopped early, or {@code null}
 * @since 0.1.0
 */
public record RolloutStatus(String reason, Instant startedAt, @Nullable Instant finishedAt, List<Integer> replaced,
		List<Integer> pending, @Nullable String failure) {

	/**
	 * Whether the rollout is still going.
	 * @return {@code true} until it finished or failed
	 */
	public boolean running() {
		return this.finishedAt == null;
	}

}
