package io.clusterboot.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.launch.WorkerProcess;
import io.clusterboot.internal.worker.WorkerEnvironment;

/**
 * {@link WorkerProcess} that records what the supervisor does to it and exits when a test
 * says so.
 */
final class FakeWorkerProcess implements WorkerProcess {

	private final int workerId;

	private final long pid;

	private final Map<String, String> environment;

	private @Nullable IntConsumer exitCode;

	private int terminations;

	private int kills;

	private int threadDumps;

	private @Nullable String classDataDump;

	private final List<String> classDataReports = new ArrayList<>();

	FakeWorkerProcess(int workerId, long pid, Map<String, String> environment) {
		this.workerId = workerId;
		this.pid = pid;
		this.environment = Map.copyOf(environment);
	}

	@Override
	public long pid() {
		return this.pid;
	}

	@Override
	public void onExit(IntConsumer exitCode) {
		this.exitCode = exitCode;
	}

	@Override
	public void terminate() {
		this.terminations++;
	}

	@Override
	public void kill() {
		this.kills++;
	}

	@Override
	public void dumpThreads() {
		this.threadDumps++;
	}

	@Override
	public @Nullable String classDataDump() {
		return this.classDataDump;
	}

	@Override
	public void classDataDumped(long pauseMillis, @Nullable String failure) {
		this.classDataReports.add(pauseMillis + "ms " + ((failure != null) ? failure : "written"));
	}

	/**
	 * Launch this worker as the master does the worker that writes a class-data archive.
	 * @param file the archive to write
	 */
	void askForClassData(String file) {
		this.classDataDump = file;
	}

	List<String> classDataReports() {
		return this.classDataReports;
	}

	/**
	 * End the process, as the operating system would report it.
	 * @param code the exit value ({@code 128 + n} for signal {@code n})
	 */
	void exit(int code) {
		if (this.exitCode == null) {
			throw new IllegalStateException("Nobody waits for the exit of pid " + this.pid);
		}
		this.exitCode.accept(code);
	}

	int workerId() {
		return this.workerId;
	}

	String secret() {
		return this.environment.get(WorkerEnvironment.MASTER_SECRET);
	}

	Map<String, String> environment() {
		return this.environment;
	}

	int terminations() {
		return this.terminations;
	}

	int kills() {
		return this.kills;
	}

	int threadDumps() {
		return this.threadDumps;
	}

}
