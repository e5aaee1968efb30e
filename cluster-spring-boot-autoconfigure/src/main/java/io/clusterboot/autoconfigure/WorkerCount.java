package io.clusterboot.autoconfigure;

import java.util.Locale;

/**
 * Number of worker processes asked for by {@code cluster.workers}: {@code auto} (one per
 * available processor, container-aware), a positive number, or {@code 0} for an ordinary
 * single process.
 *
 * @since 0.1.0
 */
public final class WorkerCount {

	private static final String ACCEPTED = "accepted values are 'auto', 0 (cluster mode off) or a positive number";

	private static final WorkerCount AUTO = new WorkerCount(-1);

	private static final WorkerCount NONE = new WorkerCount(0);

	private final int count;

	private WorkerCount(int count) {
		this.count = count;
	}

	/**
	 * Parse a property value.
	 * @param value {@code auto}, {@code 0} or a positive number
	 * @return the worker count
	 * @throws IllegalArgumentException if the value is none of those
	 */
	public static WorkerCount valueOf(String value) {
		String trimmed = value.trim();
		if (trimmed.isEmpty()) {
			return NONE;
		}
		if ("auto".equals(trimmed.toLowerCase(Locale.ROOT))) {
			return AUTO;
		}
		int count;
		try {
			count = Integer.parseInt(trimmed);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + value + "' is not a number of workers; " + ACCEPTED);
		}
		if (count < 0) {
			throw new IllegalArgumentException("'" + value + "' is negative; " + ACCEPTED);
		}
		return (count != 0) ? new WorkerCount(count) : NONE;
	}

	/**
	 * Worker count of exactly {@code count} workers.
	 * @param count a positive number
	 * @return the worker count
	 */
	public static WorkerCount of(int count) {
		if (count < 1) {
			throw new IllegalArgumentException("A cluster needs at least one worker, not " + count);
		}
		return new WorkerCount(count);
	}

	/**
	 * Whether this count turns cluster mode on.
	 * @return {@code false} for {@code 0}
	 */
	public boolean isClustered() {
		return this.count != 0;
	}

	/**
	 * Whether the count follows the number of available processors.
	 * @return {@code true} for {@code auto}
	 */
	public boolean isAuto() {
		return this == AUTO;
	}

	/**
	 * Number of workers to run on this machine.
	 * @return the number of workers; {@code auto} resolves to
	 * {@link Runtime#availableProcessors()}, which honours container CPU limits
	 */
	public int resolve() {
		return isAuto() ? Runtime.getRuntime().availableProcessors() : this.count;
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof WorkerCount other) && other.count == this.count;
	}

	@Override
	public int hashCode() {
		return Integer.hashCode(this.count);
	}

	@Override
	public String toString() {
		return isAuto() ? "auto" : Integer.toString(this.count);
	}

}
