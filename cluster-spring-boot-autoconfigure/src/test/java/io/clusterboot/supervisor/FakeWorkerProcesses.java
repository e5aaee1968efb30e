package io.clusterboot.supervisor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.clusterboot.internal.launch.WorkerProcesses;

/**
 * {@link WorkerProcesses} that hands out {@link FakeWorkerProcess fake processes} with
 * pids from 1001 and keeps them in the order they were started.
 */
final class FakeWorkerProcesses implements WorkerProcesses {

	private final List<FakeWorkerProcess> started = new ArrayList<>();

	private long nextPid = 1001;

	private int failuresToCome;

	@Override
	public FakeWorkerProcess start(int workerId, int workerCount, Map<String, String> environment)
			throws IOException {
		if (this.failuresToCome > 0) {
			this.failuresToCome--;
			throw new IOException("Cannot run program \"java\": error=12, Not enough space");
		}
		FakeWorkerProcess process = new FakeWorkerProcess(workerId, this.nextPid++, environment);
		this.started.add(process);
		return process;
	}

	/**
	 * Make the next starts fail as if the JVM could not be launched.
	 * @param count how many starts fail
	 */
	void failNextStarts(int count) {
		this.failuresToCome = count;
	}

	List<FakeWorkerProcess> started() {
		return List.copyOf(this.started);
	}

	List<FakeWorkerProcess> startedFor(int workerId) {
		return this.started.stream().filter((process) -> process.workerId() == workerId).toList();
	}

}
