package io.clusterboot.internal.launch;

import java.util.function.IntConsumer;

/**
 * A started worker process and every effect the supervisor has on it. All of them act on
 * this process only, never on whatever process may later reuse its pid.
 */
public interface WorkerProcess {

	/**
	 * The process id.
	 * @return the pid
	 */
	long pid();

	/**
	 * Be told once when the process has exited.
	 * @param exitCode receives the exit value ({@code 128 + n} for signal {@code n}), on
	 * any thread
	 */
	void onExit(IntConsumer exitCode);

	/**
	 * Ask the process to stop gracefully (SIGTERM).
	 */
	void terminate();

	/**
	 * End the process at once (SIGKILL).
	 */
	void kill();

	/**
	 * Ask the JVM to print its threads to its output (SIGQUIT), if it is still running.
	 */
	void dumpThreads();

}
