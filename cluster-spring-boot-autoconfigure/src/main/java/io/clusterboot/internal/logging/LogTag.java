package io.clusterboot.internal.logging;

import org.jspecify.annotations.Nullable;

/**
 * The tag that says which process of the cluster wrote a log line: {@code master}, or
 * {@code worker-<id>}. It is held in the {@value #SYSTEM_PROPERTY} system property, where
 * Logback reads it for every line it writes ({@code %property{CLUSTER_LOG_TAG}}), so a
 * process can change its tag after its logging system has started: a worker that learns
 * its slot only once it is running, for example.
 *
 * @since 0.1.0
 */
public final class LogTag {

	/**
	 * The system property holding the tag of this process, absent when its lines are not
	 * tagged (a single process, or {@code cluster.logging.worker-tag=false}).
	 */
	public static final String SYSTEM_PROPERTY = "CLUSTER_LOG_TAG";

	/**
	 * The master's tag.
	 */
	public static final String MASTER = "master";

	private LogTag() {
	}

	/**
	 * The tag of a worker.
	 * @param workerId the worker's id, 0 for a hot spare not yet promoted
	 * @return {@code worker-<id>}, or {@code spare}
	 */
	public static String worker(int workerId) {
		return (workerId != 0) ? "worker-" + workerId : "spare";
	}

	/**
	 * The tag of this process.
	 * @return the tag, or {@code null} if this process's lines are not tagged
	 */
	public static @Nullable String current() {
		return System.getProperty(SYSTEM_PROPERTY);
	}

	/**
	 * Tag this process's lines from now on. Called once, before the logging system
	 * starts, by the listener that decides the process's role.
	 * @param tag the tag
	 */
	public static void set(String tag) {
		System.setProperty(SYSTEM_PROPERTY, tag);
	}

	/**
	 * Change the tag of a process whose lines are tagged; leave a process whose lines are
	 * not tagged alone. Logback's default patterns show the new tag from the next line
	 * on. Log4j2 resolves its patterns once, when it is configured, and keeps the tag the
	 * process started with; so do the members of structured (JSON) logging, which Spring
	 * Boot reads once.
	 * @param tag the new tag, such as {@link #worker(int) worker(3)}
	 * @return {@code true} if the tag was changed, {@code false} if this process's lines
	 * are not tagged
	 */
	public static boolean update(String tag) {
		synchronized (LogTag.class) {
			if (current() == null) {
				return false;
			}
			set(tag);
			return true;
		}
	}

}
