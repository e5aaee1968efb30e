package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;

/**
 * {@link SupervisorListener} that records what it hears. Messages are delivered at once
 * unless told to hold them, as a listener that falls behind would.
 */
final class RecordingSupervisorListener implements SupervisorListener {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final List<Exited> exits = new CopyOnWriteArrayList<>();

	private final List<Received> messages = new CopyOnWriteArrayList<>();

	private volatile boolean holdingMessages;

	@Override
	public void forked(WorkerInfo worker) {
		this.events.add("forked " + worker);
	}

	@Override
	public void online(WorkerInfo worker) {
		this.events.add("online " + worker);
	}

	@Override
	public void listening(WorkerInfo worker) {
		this.events.add("listening " + worker);
	}

	@Override
	public void disconnected(WorkerInfo worker) {
		this.events.add("disconnected " + worker);
	}

	@Override
	public void exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {
		this.events.add("exited " + worker);
		this.exits.add(new Exited(worker, exit, restartDelay));
	}

	@Override
	public void message(WorkerInfo worker, JsonNode payload, Runnable delivered) {
		this.messages.add(new Received(worker, payload, delivered));
		if (!this.holdingMessages) {
			delivered.run();
		}
	}

	/**
	 * Hold every message from now on: {@code delivered} is run only by the test.
	 */
	void holdMessages() {
		this.holdingMessages = true;
	}

	List<String> events() {
		return List.copyOf(this.events);
	}

	List<Exited> exits() {
		return List.copyOf(this.exits);
	}

	Exited lastExit() {
		if (this.exits.isEmpty()) {
			throw new IllegalStateException("No worker has exited");
		}
		return this.exits.get(this.exits.size() - 1);
	}

	List<Received> messages() {
		return List.copyOf(this.messages);
	}

	record Exited(WorkerInfo worker, WorkerExit exit, @Nullable Duration restartDelay) {

		ExitCause cause() {
			return this.exit.cause();
		}

	}

	record Received(WorkerInfo worker, JsonNode payload, Runnable delivered) {
	}

}
