package io.clusterboot.internal.control;

/**
 * Thrown when an operator's command cannot do what it was asked: says what happened and
 * what to do, and which exit code the command ends with.
 */
final class ControlException extends Exception {

	private final int exitCode;

	ControlException(int exitCode, String message) {
		super(message);
		this.exitCode = exitCode;
	}

	ControlException(int exitCode, String message, Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	int exitCode() {
		return this.exitCode;
	}

}
