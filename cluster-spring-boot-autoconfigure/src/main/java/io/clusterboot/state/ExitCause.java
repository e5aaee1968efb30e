package io.clusterboot.state;

/**
 * Why a worker exited. Only {@link #STOPPED} and {@link #RECYCLED} are planned; every
 * other cause is restarted.
 *
 * @since 0.1.0
 */
public enum ExitCause {

	/**
	 * The master asked the worker to stop: cluster shutdown, scale down, or replacement.
	 */
	STOPPED("stopped", true),

	/**
	 * The master replaced the worker because it reached a recycling limit.
	 */
	RECYCLED("recycled", true),

	/**
	 * The worker exited on its own, with an exit code.
	 */
	CRASHED("crashed", false),

	/**
	 * The worker was killed by a signal the master did not send.
	 */
	KILLED("killed by signal", false),

	/**
	 * The worker ran out of memory (and exited, as {@code -XX:+ExitOnOutOfMemoryError}
	 * makes it).
	 */
	OUT_OF_MEMORY("out of memory", false),

	/**
	 * The worker stopped sending heartbeats and was killed.
	 */
	HUNG("hung", false),

	/**
	 * The worker reported a broken liveness state and was killed.
	 */
	UNHEALTHY("liveness broken", false),

	/**
	 * The worker's channel to the master broke while it ran, and it was stopped.
	 */
	DISCONNECTED("lost its channel to the master", false),

	/**
	 * The worker exited before it ever became ready, or was killed by the master for not
	 * becoming ready in time. A worker killed by a signal the master did not send is
	 * {@link #KILLED}, ready or not.
	 */
	BOOT_FAILED("failed to boot", false);

	private final String description;

	private final boolean planned;

	ExitCause(String description, boolean planned) {
		this.description = description;
		this.planned = planned;
	}

	/**
	 * Whether the master wanted this exit, like Node's {@code exitedAfterDisconnect}.
	 * @return {@code true} for a planned exit
	 */
	public boolean isPlanned() {
		return this.planned;
	}

	/**
	 * A short description for people.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

}
