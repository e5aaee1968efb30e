package io.clusterboot.supervisor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.WorkerState;

/**
 * The workers' requests for the metrics of all the others, in progress. For each, the
 * master asks every other slot's serving worker under a scrape id of its own and passes
 * each answer on to the requester as it comes, one worker per frame, so that no frame has
 * to hold the whole cluster's metrics. When all have answered or the deadline has passed
 * it closes the answer with the workers whose metrics it could not get, so that their
 * absence shows in the merged scrape. Used on the supervisor's thread only.
 */
final class ScrapeGathering {

	private final List<Gathering> pending = new ArrayList<>();

	private long nextId;

	/**
	 * Ask the serving worker of every other slot for its metrics.
	 * @param requester the connection of the worker that asked
	 * @param requesterId the slot id of the worker that asked: no other process of that
	 * slot is asked, so that no worker id is answered for twice
	 * @param request its request
	 * @param others the serving worker of every slot
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 * @param deadlineNanos when to close the answer with what has come
	 */
	void start(IpcPeer requester, int requesterId, Frames.Request request, List<SupervisedWorker> others, long now,
			long deadlineNanos) {
		Gathering gathering = new Gathering(++this.nextId, requester, request.id(), deadlineNanos);
		for (SupervisedWorker worker : others) {
			if (worker.id == requesterId) {
				continue;
			}
			IpcPeer connection = worker.connection;
			if (worker.state == WorkerState.LISTENING && connection != null
					&& connection.send(new Frames.Request(gathering.scrapeId, Frames.Request.Action.SCRAPE, worker.id,
							null, request.format(), request.names()))) {
				gathering.waiting.put(worker.id, worker);
			}
			else {
				gathering.missing.add(worker.id);
			}
		}
		this.pending.add(gathering);
		answerCompleted(now);
	}

	/**
	 * Pass a worker's answer on to the requester.
	 * @param worker the worker
	 * @param reply its reply
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 */
	void received(SupervisedWorker worker, Frames.Reply reply, long now) {
		int workerId = worker.id;
		for (Gathering gathering : this.pending) {
			if (reply.id() == gathering.scrapeId && gathering.waiting.remove(workerId, worker)) {
				String text = (reply.scrapes() != null) ? reply.scrapes().get(workerId) : null;
				Map<Integer, @Nullable String> piece = Collections.singletonMap(workerId, text);
				if (text == null || !gathering.requester
					.send(new Frames.Reply(gathering.requestId, OperationOutcome.Status.ACCEPTED, null, piece, true))) {
					gathering.missing.add(workerId);
				}
			}
		}
		answerCompleted(now);
	}

	/**
	 * Close every gathering that is complete or past its deadline.
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 */
	void answerCompleted(long now) {
		this.pending.removeIf((gathering) -> {
			if (!gathering.waiting.isEmpty() && now - gathering.deadlineNanos < 0) {
				return false;
			}
			Set<Integer> missing = new TreeSet<>(gathering.missing);
			missing.addAll(gathering.waiting.keySet());
			Map<Integer, @Nullable String> absent = new HashMap<>();
			missing.forEach((id) -> absent.put(id, null));
			String message = gathering.waiting.isEmpty() ? null : "no answer in time from workers " + gathering.waiting.keySet();
			gathering.requester
				.send(new Frames.Reply(gathering.requestId, OperationOutcome.Status.DONE, message, absent, false));
			return true;
		});
	}

	/**
	 * Stop waiting for a worker that has gone.
	 * @param worker the worker
	 * @param now the current {@link SupervisorClock#nanoTime()}
	 */
	void forget(SupervisedWorker worker, long now) {
		for (Gathering gathering : this.pending) {
			if (gathering.waiting.remove(worker.id, worker)) {
				gathering.missing.add(worker.id);
			}
		}
		answerCompleted(now);
	}

	private static final class Gathering {

		final long scrapeId;

		final IpcPeer requester;

		final long requestId;

		final long deadlineNanos;

		final Map<Integer, SupervisedWorker> waiting = new TreeMap<>();

		final Set<Integer> missing = new TreeSet<>();

		Gathering(long scrapeId, IpcPeer requester, long requestId, long deadlineNanos) {
			this.scrapeId = scrapeId;
			this.requester = requester;
			this.requestId = requestId;
			this.deadlineNanos = deadlineNanos;
		}

	}

}
