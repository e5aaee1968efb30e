package io.clusterboot.supervisor;

import java.util.concurrent.CompletionException;

import io.clusterboot.state.OperationOutcome;

/**
 * What a failed operation of a {@link ClusterSupervisor} tells whoever asked for it: a
 * worker's request, or an operator's command.
 *
 * @since 0.1.0
 */
public final class OperationFailures {

	private OperationFailures() {
	}

	/**
	 * The outcome of an operation that failed.
	 * @param failure the failure, possibly wrapped in a {@link CompletionException}
	 * @return the outcome: not found, conflict, invalid, or unavailable
	 */
	public static OperationOutcome outcome(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		OperationOutcome.Status status;
		if (cause instanceof NoSuchWorkerException) {
			status = OperationOutcome.Status.NOT_FOUND;
		}
		else if (cause instanceof ClusterBusyException) {
			status = OperationOutcome.Status.CONFLICT;
		}
		else if (cause instanceof IllegalArgumentException) {
			status = OperationOutcome.Status.INVALID;
		}
		else {
			status = OperationOutcome.Status.UNAVAILABLE;
		}
		return new OperationOutcome(status, String.valueOf(cause.getMessage()));
	}

}
