package io.clusterboot.load;

/**
 * Signals that a request of a {@link LoadRun} failed, and how.
 */
final class RequestFailure extends Exception {

	private static final long serialVersionUID = 1L;

	private final FailureKind kind;

	RequestFailure(FailureKind kind, Throwable cause) {
		super(kind + ": " + cause, cause, false, false);
		this.kind = kind;
	}

	FailureKind kind() {
		return this.kind;
	}

}
