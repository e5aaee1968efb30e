package io.clusterboot.state;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a worker process ended.
 *
 * @param exitCode the process's exit value as the JVM reports it ({@code 128 + n} when a
 * signal {@code n} ended it)
 * @param signal the name of the signal that ended it ({@code "KILL"}, {@code "TERM"}),
 * or {@code null} if it exited with a code of its own
 * @param cause why it ended
 * @param at when the master saw it end
 * @since 0.1.0
 */
public record WorkerExit(int exitCode, @Nullable String signal, ExitCause cause, Instant at) {

	private static final String[] SIGNALS = { null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
			"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM" };

	/**
	 * Whether the master wanted this exit.
	 * @return {@code true} for a planned exit
	 */
	public boolean planned() {
		return this.cause.isPlanned();
	}

	/**
	 * The name of the signal encoded in a JVM exit value, if any.
	 * @param exitCode the exit value
	 * @return the signal name without {@code SIG}, or {@code null}
	 */
	public static @Nullable String signalOf(int exitCode) {
		int signal = exitCode - 128;
		return (signal > 0 && signal < SIGNALS.length) ? SIGNALS[signal] : null;
	}

	/**
	 * Describe the exit for a log line, e.g. {@code killed by SIGKILL} or
	 * {@code crashed with exit code 42}.
	 * @return the description
	 */
	public String describe() {
		String how = (this.signal != null) ? "SIG" + this.signal : "exit code " + this.exitCode;
		return switch (this.cause) {
			case KILLED -> "killed by " + how;
			case CRASHED -> "crashed with " + how;
			case OUT_OF_MEMORY -> "out of memory (" + how + ")";
			default -> this.cause.getDescription() + " (" + how + ")";
		};
	}

}
