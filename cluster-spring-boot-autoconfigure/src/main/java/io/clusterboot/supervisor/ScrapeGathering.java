package io.clusterboot.supervisor;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.clusterboot.ipc.Frames;
import io.clusterboot.ipc.IpcServer;

/**
 * One worker's request for the metrics of all the others, in progress: the master has
 * asked each of them, under a scrape id of its own, and answers the requester when all have replied or the deadline has
 * passed, whichever comes first. A worker that did not answer in time is reported with no
 * text, so that its absence shows in the merged scrape.
 */
final class ScrapeGathering {

	final long scrapeId;

	final IpcServer.Connection requester;

	final long requestId;

	final long deadlineNanos;

	private final Map<Integer, String> texts = new HashMap<>();

	private final Set<Integer> waiting = new HashSet<>();

	ScrapeGathering(long scrapeId, IpcServer.Connection requester, long requestId, long deadlineNanos) {
		this.scrapeId = scrapeId;
		this.requester = requester;
		this.requestId = requestId;
		this.deadlineNanos = deadlineNanos;
	}

	void waitFor(int workerId) {
		this.waiting.add(workerId);
		this.texts.put(workerId, null);
	}

	void missing(int workerId) {
		this.texts.put(workerId, null);
	}

	void received(int workerId, String text) {
		if (this.waiting.remove(workerId)) {
			this.texts.put(workerId, text);
		}
	}

	boolean isComplete(long now) {
		return this.waiting.isEmpty() || now - this.deadlineNanos >= 0;
	}

	void answer() {
		String message = this.waiting.isEmpty() ? null : "no answer in time from workers " + this.waiting;
		this.requester.send(new Frames.Reply(this.requestId, 200, message, new HashMap<>(this.texts)));
	}

}
