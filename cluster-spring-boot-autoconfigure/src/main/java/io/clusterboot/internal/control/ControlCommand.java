package io.clusterboot.internal.control;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * What an operator asked for with {@code --cluster.control}: {@code status},
 * {@code reload}, {@code scale:N} or {@code stop}.
 *
 * @param verb the operation
 * @param count the number of workers, for {@link Verb#SCALE}; 0 otherwise
 */
record ControlCommand(Verb verb, int count) {

	static final String VERBS = "status, reload, scale:N (N workers) or stop";

	/**
	 * Read the value of {@code cluster.control}.
	 * @param value the value
	 * @return the command
	 * @throws ControlException with {@link ClusterControl#USAGE} if it is none of the
	 * verbs
	 */
	static ControlCommand parse(@Nullable String value) throws ControlException {
		String text = (value != null) ? value.trim().toLowerCase(Locale.ROOT) : "";
		Verb verb = switch (text) {
			case "status" -> Verb.STATUS;
			case "reload" -> Verb.RELOAD;
			case "stop" -> Verb.STOP;
			default -> null;
		};
		if (verb != null) {
			return new ControlCommand(verb, 0);
		}
		if (value != null && text.startsWith("scale:")) {
			String count = text.substring("scale:".length()).trim();
			try {
				int workers = Integer.parseInt(count);
				if (workers > 0) {
					return new ControlCommand(Verb.SCALE, workers);
				}
			}
			catch (NumberFormatException ex) {
				// Said below
			}
			throw new ControlException(ClusterControl.USAGE, "cluster.control=" + value.trim()
					+ ": the number of workers must be a positive whole number, as in scale:4");
		}
		throw new ControlException(ClusterControl.USAGE, "cluster.control=" + ((value != null) ? value.trim() : "")
				+ " is not a command; use " + VERBS);
	}

	/**
	 * How the command line names it.
	 * @return the value of {@code cluster.control}
	 */
	@Override
	public String toString() {
		return (this.verb == Verb.SCALE) ? "scale:" + this.count : this.verb.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The operations.
	 */
	enum Verb {

		/**
		 * Print the workers.
		 */
		STATUS,

		/**
		 * Replace every worker, one at a time, and wait until done.
		 */
		RELOAD,

		/**
		 * Run a number of workers, and wait until exactly that many listen.
		 */
		SCALE,

		/**
		 * Stop the cluster gracefully, and wait until the master has exited.
		 */
		STOP

	}

}
