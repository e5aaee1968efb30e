package io.clusterboot.internal.launch;

import java.util.function.IntConsumer;

import org.jspecify.annotations.Nullable;

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

	/**
	 * The file this worker is to write a class-data archive to, told to it when it
	 * connects.
	 * @return the file, or {@code null} for none
	 */
	default @Nullable String classDataDump() {
		return null;
	}

	/**
	 * The worker reported on the class-data archive it was asked to write.
	 * @param pauseMillis how long writing took
	 * @param failure why there is no archive, or {@code null}
	 */
	default void classDataDumped(long pauseMillis, @Nullable String failure) {
	}

}
