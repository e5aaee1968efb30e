package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;

/**
 * Says why a worker process ended, from its exit value and what the master knows of it,
 * and tells it in a log line a person can act on.
 */
final class ExitClassifier {

	private static final String[] LINUX_SIGNALS = { null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
			"KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
			"TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS" };

	private static final String[] BSD_SIGNALS = { null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "EMT", "FPE",
			"KILL", "BUS", "SEGV", "SYS", "PIPE", "ALRM", "TERM", "URG", "STOP", "TSTP", "CONT", "CHLD", "TTIN", "TTOU",
			"IO", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "INFO", "USR1", "USR2" };

	/**
	 * Signals on which the JVM runs its shutdown hooks and exits with 128 plus the signal:
	 * a worker that said it was exiting may still have been ended by one of these.
	 */
	private static final Set<String> SHUTDOWN_SIGNALS = Set.of("HUP", "INT", "TERM");

	private final String[] signals;

	private final boolean exitCodeThreeIsOutOfMemory;

	/**
	 * Create a classifier.
	 * @param exitCodeThreeIsOutOfMemory whether workers run with
	 * {@code -XX:+ExitOnOutOfMemoryError}, so that exit code 3 means out of memory
	 */
	ExitClassifier(boolean exitCodeThreeIsOutOfMemory) {
		this(exitCodeThreeIsOutOfMemory, System.getProperty("os.name", ""));
	}

	ExitClassifier(boolean exitCodeThreeIsOutOfMemory, String osName) {
		this.exitCodeThreeIsOutOfMemory = exitCodeThreeIsOutOfMemory;
		String os = osName.toLowerCase(Locale.ROOT);
		this.signals = (os.contains("mac") || os.contains("bsd") || os.contains("darwin")) ? BSD_SIGNALS
				: LINUX_SIGNALS;
	}

	/**
	 * The name of the signal a JVM exit value stands for, if it stands for one.
	 * @param exitCode the exit value, {@code 128 + n} for signal {@code n}
	 * @return the signal name without {@code SIG} (a number for one without a name), or
	 * {@code null}
	 */
	@Nullable String signalOf(int exitCode) {
		int signal = exitCode - 128;
		if (signal < 1 || signal > 64) {
			return null;
		}
		return (signal < this.signals.length) ? this.signals[signal] : Integer.toString(signal);
	}

	/**
	 * Classify a worker's exit.
	 * @param worker the worker that exited
	 * @param exitCode its exit value
	 * @param at when the master saw it exit
	 * @return how and why it exited
	 */
	WorkerExit classify(SupervisedWorker worker, int exitCode, Instant at) {
		String signal = signalOf(exitCode);
		if (signal != null && worker.exiting && !worker.killed && !SHUTDOWN_SIGNALS.contains(signal)) {
			// It ran its shutdown hooks, so it called exit() with this code itself
			signal = null;
		}
		ExitCause cause;
		if (worker.stopCause != null) {
			cause = worker.stopCause;
		}
		else if (worker.killCause != null) {
			cause = worker.killCause;
		}
		else if (signal == null && exitCode == 3 && this.exitCodeThreeIsOutOfMemory) {
			cause = ExitCause.OUT_OF_MEMORY;
		}
		else if (signal != null) {
			cause = ExitCause.KILLED;
		}
		else if (!worker.isReady()) {
			cause = ExitCause.BOOT_FAILED;
		}
		else {
			cause = ExitCause.CRASHED;
		}
		return new WorkerExit(exitCode, signal, cause, at);
	}

	/**
	 * Whether an exit counts against the slot as a failure to boot: the worker never
	 * became ready, and no one but the master killed it.
	 * @param worker the worker
	 * @param exit how it exited
	 * @return {@code true} for a failure to boot
	 */
	static boolean failedToBoot(SupervisedWorker worker, WorkerExit exit) {
		return !worker.isReady() && !exit.planned() && exit.cause() != ExitCause.KILLED;
	}

	/**
	 * Tell an exit for the log, with what to do about it.
	 * @param worker the worker
	 * @param exit how it exited
	 * @param restartDelay when its slot's next worker starts, or {@code null}
	 * @param failedBoots the slot's failures to boot in a row, this one included
	 * @param maxBootFailures the limit before the master gives up, at the first start
	 * @param served whether the cluster has served, so that a slot backs off instead
	 * @return the log line
	 */
	String describe(SupervisedWorker worker, WorkerExit exit, @Nullable Duration restartDelay, int failedBoots,
			int maxBootFailures, boolean served) {
		StringBuilder message = new StringBuilder(StringUtils.capitalize(worker.toString())).append(" exited: ")
			.append(exit.describe());
		if (exit.cause() == ExitCause.KILLED && "KILL".equals(exit.signal())) {
			message.append(" (perhaps out of memory: the kernel's OOM killer sends SIGKILL)");
		}
		if (exit.cause() == ExitCause.KILLED && "ABRT".equals(exit.signal())) {
			message.append(" (a JVM crash writes hs_err_pid").append(worker.pid).append(".log)");
		}
		if (restartDelay != null && !exit.planned()) {
			message.append(", restarting in ").append(formatDuration(restartDelay));
			if (failedToBoot(worker, exit)) {
				message.append(" (boot failure ").append(failedBoots);
				if (!served) {
					message.append(" of ").append(maxBootFailures);
				}
				else if (failedBoots >= maxBootFailures) {
					message.append("; the other workers keep serving, and this slot keeps trying with a growing "
							+ "delay until the cause is fixed");
				}
				message.append(')');
			}
		}
		if (worker.startFailure != null && failedToBoot(worker, exit)) {
			message.append(". Its application failed with ").append(worker.startFailure);
		}
		return message.toString();
	}

	static String formatDuration(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 1000 != 0 || millis == 0) {
			return millis + "ms";
		}
		return (millis / 1000) + "s";
	}

}
