package io.clusterboot.supervisor;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

import io.clusterboot.internal.ipc.Frames;

/**
 * Heartbeats a worker sends, each saying one thing about it.
 */
final class Heartbeats {

	private Heartbeats() {
	}

	/**
	 * A healthy worker that has served no request.
	 * @return the heartbeat
	 */
	static Frames.Heartbeat idle() {
		return idleFor(Duration.ZERO);
	}

	/**
	 * A healthy worker that has completed no request for a while and has none in flight.
	 * @param sinceRequestCompleted time since it last completed one
	 * @return the heartbeat
	 */
	static Frames.Heartbeat idleFor(Duration sinceRequestCompleted) {
		return heartbeat(0, 0, sinceRequestCompleted, -1, "CORRECT");
	}

	/**
	 * A healthy worker that has served some requests.
	 * @param requests requests served since it started
	 * @return the heartbeat
	 */
	static Frames.Heartbeat served(long requests) {
		return heartbeat(requests, 0, Duration.ZERO, -1, "CORRECT");
	}

	/**
	 * A worker with requests in flight.
	 * @param requests requests in flight
	 * @param sinceRequestCompleted time since it last completed one
	 * @return the heartbeat
	 */
	static Frames.Heartbeat inFlight(int requests, Duration sinceRequestCompleted) {
		return heartbeat(0, requests, sinceRequestCompleted, -1, "CORRECT");
	}

	/**
	 * A healthy worker with this much heap live after its latest collection.
	 * @param heapAfterGc its live heap
	 * @return the heartbeat
	 */
	static Frames.Heartbeat liveHeap(DataSize heapAfterGc) {
		return heartbeat(0, 0, Duration.ZERO, heapAfterGc.toBytes(), "CORRECT");
	}

	/**
	 * A worker whose Spring liveness state is this.
	 * @param liveness {@code CORRECT} or {@code BROKEN}
	 * @return the heartbeat
	 */
	static Frames.Heartbeat liveness(String liveness) {
		return heartbeat(0, 0, Duration.ZERO, -1, liveness);
	}

	private static Frames.Heartbeat heartbeat(long requests, int inFlight, Duration sinceRequestCompleted,
			long heapAfterGc, String liveness) {
		return new Frames.Heartbeat(64L << 20, heapAfterGc, 512L << 20, requests, inFlight,
				sinceRequestCompleted.toMillis(), 0, 10_000, liveness, "ACCEPTING_TRAFFIC");
	}

}
