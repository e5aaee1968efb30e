package io.clusterboot.state;

/**
 * What the master made of an operation asked of the cluster (scale, rolling restart,
 * replacement of one worker).
 *
 * @param status how it went
 * @param message what happened, for people
 * @since 0.1.0
 */
public record OperationOutcome(Status status, String message) {

	/**
	 * Whether the operation was done or is under way.
	 * @return {@code true} for {@link Status#DONE} and {@link Status#ACCEPTED}
	 */
	public boolean succeeded() {
		return this.status == Status.DONE || this.status == Status.ACCEPTED;
	}

	/**
	 * How an operation went.
	 */
	public enum Status {

		/**
		 * Done.
		 */
		DONE,

		/**
		 * Under way (a rolling replacement).
		 */
		ACCEPTED,

		/**
		 * Not a valid request (a number of workers out of range).
		 */
		INVALID,

		/**
		 * No such worker.
		 */
		NOT_FOUND,

		/**
		 * Not now: the cluster is stopping or another rolling replacement runs.
		 */
		CONFLICT,

		/**
		 * The master could not be asked or did not answer in time.
		 */
		UNAVAILABLE

	}

}
