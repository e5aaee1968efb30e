package io.clusterboot.supervisor;

import io.clusterboot.state.WorkerState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcServer;

/**
 * The workers' requests for the metrics of all the others, in progress. For each, the
 * master asks every other listening worker under a scrape id of its own and answers the
 * requester when all have replied or the deadline has passed, whichever comes first. A
 * worker that did not answer in time is reported with no text, so that its absence shows
 * in the merged scrape. Used on the supervisor's thread only.
 */
final class ScrapeGathering {

	private final List<Gathering> pending = new ArrayList<>();

	private long nextId;

	/**
	 * Ask every worker but the requester for its metrics.
	 * @param requester the connection of the worker that asked
	 * @param request its request
	 * @param others the other workers of the cluster
	 * @param deadlineNanos when to answer with what has come, in {@link System#nanoTime()}
	 * terms
	 */
	void start(IpcServer.Connection requester, Frames.Request request, List<Worker> others, long deadlineNanos) {
		Gathering gathering = new Gathering(++this.nextId, requester, request.id(), deadlineNanos);
		for (Worker worker : others) {
			gathering.texts.put(worker.id, null);
			if (worker.state == WorkerState.LISTENING && worker.connection != null
					&& worker.connection.send(new Frames.Request(gathering.scrapeId, Frames.Request.Action.SCRAPE,
							worker.id, null, request.format(), request.names()))) {
				gathering.waiting.add(worker.id);
			}
		}
		this.pending.add(gathering);
		answerCompleted(System.nanoTime());
	}

	/**
	 * Take a worker's reply to a scrape request.
	 * @param worker the worker
	 * @param reply its reply
	 */
	void received(Worker worker, Frames.Reply reply) {
		for (Gathering gathering : this.pending) {
			if (reply.id() == gathering.scrapeId && reply.scrapes() != null
					&& gathering.waiting.remove(worker.id)) {
				gathering.texts.put(worker.id, reply.scrapes().get(worker.id));
			}
		}
		answerCompleted(System.nanoTime());
	}

	/**
	 * Answer every gathering that is complete or past its deadline.
	 * @param now the current {@link System#nanoTime()}
	 */
	void answerCompleted(long now) {
		this.pending.removeIf((gathering) -> {
			if (!gathering.waiting.isEmpty() && now - gathering.deadlineNanos < 0) {
				return false;
			}
			String message = gathering.waiting.isEmpty() ? null
					: "no answer in time from workers " + gathering.waiting;
			if (!gathering.requester.send(new Frames.Reply(gathering.requestId, 200, message, gathering.texts))) {
				gathering.requester.send(new Frames.Reply(gathering.requestId, 500,
						"the other workers' metrics do not fit in one frame (cluster.ipc.max-frame-size)", Map.of()));
			}
			return true;
		});
	}

	/**
	 * Stop waiting for a worker that has gone.
	 * @param workerId the worker's id
	 */
	void forget(int workerId) {
		for (Gathering gathering : this.pending) {
			gathering.waiting.remove(workerId);
		}
		answerCompleted(System.nanoTime());
	}

	private static final class Gathering {

		final long scrapeId;

		final IpcServer.Connection requester;

		final long requestId;

		final long deadlineNanos;

		final Map<Integer, String> texts = new HashMap<>();

		final Set<Integer> waiting = new HashSet<>();

		Gathering(long scrapeId, IpcServer.Connection requester, long requestId, long deadlineNanos) {
			this.scrapeId = scrapeId;
			this.requester = requester;
			this.requestId = requestId;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
