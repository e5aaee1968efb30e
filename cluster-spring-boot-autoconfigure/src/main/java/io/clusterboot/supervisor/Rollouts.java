package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.WorkerState;

/**
 * Rolling replacements of workers, one slot at a time: a new worker boots beside the old
 * one, takes the slot once it is ready, then the old one drains and exits before the next
 * slot's turn. Also starts the recycling of a worker that has done enough. Used on the
 * supervisor's thread only.
 */
final class Rollouts {

	private static final Log logger = LogFactory.getLog(Rollouts.class);

	private final Cluster cluster;

	private final RecyclePolicy recyclePolicy;

	private final ClusterTally tally;

	private final SupervisorClock clock;

	private @Nullable Rollout current;

	private @Nullable RolloutStatus last;

	Rollouts(Cluster cluster, RecyclePolicy recyclePolicy, ClusterTally tally, SupervisorClock clock) {
		this.cluster = cluster;
		this.recyclePolicy = recyclePolicy;
		this.tally = tally;
		this.clock = clock;
	}

	/**
	 * Start replacing slots.
	 * @param reason why, for people ({@code "restart"}, {@code "replacement of worker 2"})
	 * @param cause the cause the old workers' exits get
	 * @param slotIds the slots to replace, in order
	 * @return the rollout's status
	 * @throws ClusterBusyException if the cluster is stopping or a rollout runs
	 */
	RolloutStatus start(String reason, ExitCause cause, List<Integer> slotIds) {
		if (this.cluster.stopping()) {
			throw new ClusterBusyException("The cluster is stopping");
		}
		if (this.current != null) {
			throw new ClusterBusyException(
					"A rolling replacement (" + this.current.reason + ") is already running; wait for it to finish");
		}
		Rollout rollout = new Rollout(reason, cause, this.clock.now(), slotIds);
		this.current = rollout;
		logger.info("Starting rolling " + reason + " (" + slotIds.size() + " worker" + ((slotIds.size() != 1) ? "s" : "")
				+ ")");
		advance();
		return rollout.status(null, null);
	}

	/**
	 * Move the rollout on: once the slot being replaced has its new worker and the old one
	 * has exited, start the next slot's replacement, or finish.
	 */
	void advance() {
		Rollout rollout = this.current;
		if (rollout == null || this.cluster.stopping()) {
			return;
		}
		if (rollout.slotId != null) {
			Slot slot = this.cluster.slot(rollout.slotId);
			if (slot != null && slot.replacement != null) {
				return;
			}
			if (rollout.draining != null && rollout.draining.state != WorkerState.EXITED) {
				return;
			}
			if (slot != null) {
				rollout.replaced.add(rollout.slotId);
			}
			rollout.slotId = null;
			rollout.draining = null;
		}
		Integer next;
		while ((next = rollout.pending.poll()) != null) {
			Slot slot = this.cluster.slot(next);
			if (slot == null) {
				continue;
			}
			if (slot.worker == null) {
				// Restarting anyway: its next worker runs the new build
				rollout.replaced.add(next);
				continue;
			}
			rollout.slotId = next;
			this.cluster.startReplacement(slot);
			return;
		}
		if (this.current == rollout) {
			finish(null);
		}
	}

	/**
	 * A replacement is ready and the old worker of its slot is about to drain.
	 * @param old the worker that drains
	 * @return the cause its exit gets
	 */
	ExitCause draining(SupervisedWorker old) {
		Rollout rollout = this.current;
		if (rollout == null) {
			return ExitCause.STOPPED;
		}
		rollout.draining = old;
		return rollout.cause;
	}

	/**
	 * A slot left the cluster: it is not to be replaced any more.
	 * @param slotId the slot
	 */
	void removed(int slotId) {
		if (this.current != null) {
			this.current.pending.remove(slotId);
		}
	}

	/**
	 * Stop the rollout because a replacement failed; the old workers keep serving.
	 * @param failure what went wrong
	 */
	void fail(String failure) {
		Rollout rollout = this.current;
		logger.error("Rolling " + ((rollout != null) ? rollout.reason : "replacement") + " stopped: " + failure);
		finish(failure);
	}

	/**
	 * End the rollout.
	 * @param failure why it ended early, or {@code null} if every slot was replaced
	 */
	void finish(@Nullable String failure) {
		Rollout rollout = this.current;
		if (rollout == null) {
			return;
		}
		this.current = null;
		Instant now = this.clock.now();
		this.last = rollout.status(now, failure);
		if (failure != null) {
			this.tally.rolloutsFailed++;
		}
		else {
			this.tally.rolloutsCompleted++;
			logger.info("Rolling " + rollout.reason + " complete: " + rollout.replaced.size() + " replaced in "
					+ Duration.between(rollout.startedAt, now).toMillis() + "ms");
		}
	}

	/**
	 * Replace, gracefully, the first worker that has reached a recycling limit, unless a
	 * rollout runs.
	 */
	void recycle() {
		if (this.current != null || this.cluster.stopping()) {
			return;
		}
		long now = this.clock.nanoTime();
		for (Slot slot : this.cluster.slots()) {
			SupervisedWorker worker = slot.worker;
			if (worker == null || worker.state != WorkerState.LISTENING || worker.isLeaving()
					|| slot.replacement != null || now - slot.recycleNotBeforeNanos < 0) {
				continue;
			}
			String reason = this.recyclePolicy.reason(worker, now);
			if (reason != null) {
				logger.info("Recycling " + worker + ": " + reason);
				start("recycling of worker " + worker.id, ExitCause.RECYCLED, List.of(worker.id));
				return;
			}
		}
	}

	boolean running() {
		return this.current != null;
	}

	/**
	 * The running rollout's status, or the last one's.
	 * @return the status, or {@code null} if there never was a rollout
	 */
	@Nullable RolloutStatus status() {
		return (this.current != null) ? this.current.status(null, null) : this.last;
	}

	/**
	 * What a rollout needs of the cluster.
	 */
	interface Cluster {

		boolean stopping();

		@Nullable Slot slot(int id);

		Collection<Slot> slots();

		/**
		 * Start a new worker beside the one serving in the slot.
		 * @param slot the slot
		 */
		void startReplacement(Slot slot);

	}

	private static final class Rollout {

		final String reason;

		final ExitCause cause;

		final Instant startedAt;

		final Deque<Integer> pending;

		final List<Integer> replaced = new ArrayList<>();

		/**
		 * The slot being replaced now.
		 */
		@Nullable Integer slotId;

		/**
		 * The old worker of {@link #slotId}, draining.
		 */
		@Nullable SupervisedWorker draining;

		Rollout(String reason, ExitCause cause, Instant startedAt, Collection<Integer> slots) {
			this.reason = reason;
			this.cause = cause;
			this.startedAt = startedAt;
			this.pending = new ArrayDeque<>(slots);
		}

		RolloutStatus status(@Nullable Instant finishedAt, @Nullable String failure) {
			List<Integer> pendingNow = new ArrayList<>();
			if (this.slotId != null && finishedAt == null) {
				pendingNow.add(this.slotId);
			}
			pendingNow.addAll(this.pending);
			return new RolloutStatus(this.reason, this.startedAt, finishedAt, List.copyOf(this.replaced),
					List.copyOf(pendingNow), failure);
		}

	}

}
