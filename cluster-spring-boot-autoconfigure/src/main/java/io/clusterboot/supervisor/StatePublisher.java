package io.clusterboot.supervisor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerInfo;

/**
 * Keeps the cluster's latest snapshot for readers on any thread, and decides when the
 * workers hear of it: whenever what it shows changes (a worker's state, a failing slot,
 * the target, a rollout, a stop), and at least once per heartbeat interval, so that a
 * worker can tell a master that has gone quiet.
 */
final class StatePublisher {

	private static final Log logger = LogFactory.getLog(StatePublisher.class);

	private final FrameCodec codec;

	private final long intervalNanos;

	private volatile ClusterSnapshot snapshot;

	private List<Object> pushedShape = List.of();

	private long pushedNanos;

	StatePublisher(FrameCodec codec, Duration heartbeatInterval, ClusterSnapshot initial) {
		this.codec = codec;
		this.intervalNanos = heartbeatInterval.toNanos();
		this.snapshot = initial;
	}

	ClusterSnapshot snapshot() {
		return this.snapshot;
	}

	void publish(ClusterSnapshot snapshot) {
		this.snapshot = snapshot;
	}

	/**
	 * The state frame to send the workers now, if they are due one.
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 * @return the encoded frame, or {@code null} if the workers are up to date
	 */
	@Nullable ByteBuffer due(long now) {
		ClusterSnapshot snapshot = this.snapshot;
		List<Object> shape = shape(snapshot);
		if (shape.equals(this.pushedShape) && now - this.pushedNanos < this.intervalNanos) {
			return null;
		}
		this.pushedShape = shape;
		this.pushedNanos = now;
		try {
			return this.codec.encode(new Frames.State(snapshot));
		}
		catch (FrameCodec.FrameTooLargeException ex) {
			logger.warn("Could not tell the workers the cluster's state: " + ex.getMessage());
			return null;
		}
	}

	private static List<Object> shape(ClusterSnapshot snapshot) {
		List<Object> shape = new ArrayList<>();
		for (WorkerInfo worker : snapshot.workers()) {
			shape.add(worker.pid());
			shape.add(worker.state());
		}
		for (SlotInfo slot : snapshot.slots()) {
			shape.add(slot.failedBoots());
			shape.add(slot.nextStartAt() != null);
		}
		shape.add(snapshot.targetWorkers());
		shape.add(snapshot.stopping());
		shape.add(Objects.requireNonNullElse(snapshot.rollout(), ""));
		return shape;
	}

}
