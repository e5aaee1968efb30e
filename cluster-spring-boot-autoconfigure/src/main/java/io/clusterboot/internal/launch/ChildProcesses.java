package io.clusterboot.internal.launch;

import java.io.File;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts workers as child processes of the master: in the master's working directory,
 * with the master's environment plus the worker's variables, writing to the master's
 * standard output and error, and with no standard input.
 */
public final class ChildProcesses implements WorkerProcesses {

	private static final Log logger = LogFactory.getLog(ChildProcesses.class);

	private final WorkerCommandFactory commands;

	private final Map<String, String> environment;

	private final File directory;

	private final ClassDataSource classData;

	/**
	 * Create a launcher.
	 * @param commands builds each worker's command
	 * @param environment variables every worker gets (the master's socket, pid, port)
	 * @param directory the working directory
	 */
	public ChildProcesses(WorkerCommandFactory commands, Map<String, String> environment, File directory) {
		this(commands, environment, directory, ClassDataSource.NONE);
	}

	/**
	 * Create a launcher whose workers start from class data.
	 * @param commands builds each worker's command
	 * @param environment variables every worker gets (the master's socket, pid, port)
	 * @param directory the working directory
	 * @param classData how each launch uses class data
	 */
	public ChildProcesses(WorkerCommandFactory commands, Map<String, String> environment, File directory,
			ClassDataSource classData) {
		this.commands = commands;
		this.environment = Map.copyOf(environment);
		this.directory = directory;
		this.classData = classData;
	}

	@Override
	public WorkerProcess start(int workerId, int workerCount, Map<String, String> environment) throws IOException {
		ClassDataLaunch launch = this.classData.prepare();
		List<String> command = this.commands.command(workerId, workerCount, launch);
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.directory)
			.redirectOutput(ProcessBuilder.Redirect.INHERIT)
			.redirectError(ProcessBuilder.Redirect.INHERIT);
		Map<String, String> processEnvironment = builder.environment();
		this.commands.environmentOverrides(processEnvironment, workerId).forEach((name, value) -> {
			if (value.isEmpty()) {
				processEnvironment.remove(name);
			}
			else {
				processEnvironment.put(name, value);
			}
		});
		processEnvironment.putAll(this.environment);
		processEnvironment.putAll(environment);
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException | RuntimeException ex) {
			this.classData.exited(launch, -1);
			throw ex;
		}
		process.getOutputStream().close();
		ChildProcess child = new ChildProcess(process, launch, this.classData);
		process.onExit().whenComplete((exited, ex) -> this.classData.exited(launch, process.exitValue()));
		return child;
	}

	private static final class ChildProcess implements WorkerProcess {

		private final Process process;

		private final Optional<Instant> startedAt;

		private final ClassDataLaunch launch;

		private final ClassDataSource classData;

		ChildProcess(Process process, ClassDataLaunch launch, ClassDataSource classData) {
			this.process = process;
			this.startedAt = process.info().startInstant();
			this.launch = launch;
			this.classData = classData;
		}

		@Override
		public @Nullable String classDataDump() {
			return this.launch.dumpFile();
		}

		@Override
		public void classDataDumped(long pauseMillis, @Nullable String failure) {
			this.classData.dumped(this.launch, pauseMillis, failure);
		}

		@Override
		public long pid() {
			return this.process.pid();
		}

		@Override
		public void onExit(IntConsumer exitCode) {
			this.process.onExit().whenComplete((exited, ex) -> exitCode.accept(this.process.exitValue()));
		}

		@Override
		public void terminate() {
			this.process.destroy();
		}

		@Override
		public void kill() {
			this.process.destroyForcibly();
		}

		@Override
		public void dumpThreads() {
			// Java signals only with TERM and KILL; kill(1) takes a pid, so make sure that
			// pid is still this child (same start time) right before using it
			if (!this.process.isAlive() || this.startedAt.isEmpty() || !ProcessHandle.of(this.process.pid())
				.flatMap((handle) -> handle.info().startInstant())
				.equals(this.startedAt)) {
				return;
			}
			try {
				new ProcessBuilder("kill", "-QUIT", Long.toString(this.process.pid()))
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.redirectError(ProcessBuilder.Redirect.DISCARD)
					.start();
			}
			catch (IOException ex) {
				logger.debug("Could not send SIGQUIT to pid " + this.process.pid() + " for a thread dump", ex);
			}
		}

		@Override
		public String toString() {
			return "pid " + this.process.pid();
		}

	}

}
