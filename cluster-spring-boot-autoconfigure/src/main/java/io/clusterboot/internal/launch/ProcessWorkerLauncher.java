package io.clusterboot.internal.launch;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.clusterboot.supervisor.WorkerLauncher;

/**
 * Starts workers as child processes of the master: in the master's working directory,
 * with the master's environment plus the worker's variables, writing to the master's
 * standard output and error, and with no standard input.
 *
 * @since 0.1.0
 */
public final class ProcessWorkerLauncher implements WorkerLauncher {

	private final WorkerCommandFactory commands;

	private final Map<String, String> environment;

	private final File directory;

	/**
	 * Create a launcher.
	 * @param commands builds each worker's command
	 * @param environment variables every worker gets (the master's socket, pid, port)
	 * @param directory the working directory
	 */
	public ProcessWorkerLauncher(WorkerCommandFactory commands, Map<String, String> environment, File directory) {
		this.commands = commands;
		this.environment = Map.copyOf(environment);
		this.directory = directory;
	}

	@Override
	public Process launch(int workerId, int workerCount, Map<String, String> environment) throws IOException {
		List<String> command = this.commands.command(workerId, workerCount);
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
		Process process = builder.start();
		process.getOutputStream().close();
		return process;
	}

}
