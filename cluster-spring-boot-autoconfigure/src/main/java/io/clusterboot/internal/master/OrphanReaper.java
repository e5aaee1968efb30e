package io.clusterboot.internal.master;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reaps the orphaned processes the kernel hands to the master when it runs as PID 1, the
 * first process of a container started without an init: a process whose parent exits
 * before it (such as a child of a worker that was killed) becomes the master's child, and
 * stays a zombie until someone waits for it.
 * <p>
 * Java waits, at once, for the processes it started itself: the workers, and whatever the
 * application's code starts with {@link ProcessBuilder}. The reaper must never take one
 * of those from it, so every few seconds it lists the master's children and waits only
 * for a child that has been a zombie in two scans in a row. Waiting for a process Java
 * did not start takes the C library's {@code waitpid} ({@link NativeWaitpid}, Java 22
 * and later); on older Java the master says once what to do instead. It polls rather
 * than handles {@code SIGCHLD}: a scan every few seconds costs little with a container's
 * few processes, and leaves that signal as the JVM set it up.
 */
final class OrphanReaper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(OrphanReaper.class);

	static final Duration INTERVAL = Duration.ofSeconds(2);

	private final ProcessTable processes;

	private final Waitpid waitpid;

	private Set<Long> zombies = Set.of();

	private @Nullable ScheduledExecutorService scanner;

	OrphanReaper(ProcessTable processes, Waitpid waitpid) {
		this.processes = processes;
		this.waitpid = waitpid;
	}

	/**
	 * Start reaping if this process is PID 1 on Linux; otherwise do nothing.
	 * @return the reaper, to close when the master exits
	 */
	static OrphanReaper startIfPidOne() {
		return startIfPidOne(ProcessHandle.current().pid(), System.getProperty("os.name", ""), NativeWaitpid::load,
				new ProcFileSystem(), INTERVAL);
	}

	static OrphanReaper startIfPidOne(long pid, String os, Supplier<Waitpid> waitpids, ProcessTable processes,
			Duration interval) {
		if (pid != 1 || !os.startsWith("Linux")) {
			return new OrphanReaper(processes, (child) -> false);
		}
		Waitpid waitpid;
		try {
			waitpid = waitpids.get();
		}
		catch (UnsupportedOperationException ex) {
			logger.warn(cannotReap(ex.getMessage(), Runtime.version().feature()));
			return new OrphanReaper(processes, (child) -> false);
		}
		boolean jvmWarns = (waitpid instanceof NativeWaitpid) && !NativeWaitpid.isNativeAccessEnabled();
		logger.info(reaping(interval, jvmWarns));
		OrphanReaper reaper = new OrphanReaper(processes, waitpid);
		reaper.start(interval);
		return reaper;
	}

	/**
	 * What the master says at start when it cannot reap.
	 * @param reason why it cannot
	 * @param java the running Java's feature version
	 * @return the warning
	 */
	static String cannotReap(@Nullable String reason, int java) {
		return "The master is PID 1 of its container and cannot reap orphaned processes (" + reason
				+ "): a process whose parent exits before it, such as a child of a worker that was killed, "
				+ "will stay a zombie until the container stops. Run an init that reaps them as PID 1 "
				+ "(docker run --init, tini as the image's entrypoint, shareProcessNamespace: true in a "
				+ "Kubernetes pod)" + ((java < NativeWaitpid.FIRST_JAVA)
						? ", or run the application on Java " + NativeWaitpid.FIRST_JAVA + " or later, whose master "
								+ "reaps them itself"
						: "");
	}

	/**
	 * What the master says at start when it reaps.
	 * @param interval how often it looks for orphans
	 * @param jvmWarns whether the JVM warns about the restricted method called for it
	 * @return the message
	 */
	static String reaping(Duration interval, boolean jvmWarns) {
		String every = (interval.toMillis() % 1000 == 0) ? interval.toSeconds() + "s" : interval.toMillis() + "ms";
		return "The master is PID 1 of its container: every " + every + " it reaps the orphaned "
				+ "processes the kernel hands to it (such as the children of a worker that was killed)"
				+ (jvmWarns ? ". The JVM warns that a restricted method of java.lang.foreign.Linker was called to "
						+ "do so: add --enable-native-access=ALL-UNNAMED to the java command to silence it" : "");
	}

	private void start(Duration interval) {
		ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cluster-orphan-reaper");
			thread.setDaemon(true);
			return thread;
		});
		scanner.scheduleWithFixedDelay(this::scanQuietly, interval.toMillis(), interval.toMillis(),
				TimeUnit.MILLISECONDS);
		this.scanner = scanner;
	}

	private void scanQuietly() {
		try {
			scan();
		}
		catch (RuntimeException ex) {
			logger.debug("Looking for orphaned processes failed", ex);
		}
	}

	/**
	 * Look at the master's children once, and reap those that were zombies in the
	 * previous scan too.
	 * @return the pids reaped
	 */
	List<Long> scan() {
		List<Long> children;
		try {
			children = this.processes.children();
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot list the master's child processes", ex);
			this.zombies = Set.of();
			return List.of();
		}
		Set<Long> zombies = new HashSet<>();
		List<Long> reaped = new ArrayList<>();
		for (long pid : children) {
			String stat = this.processes.stat(pid);
			if (stat == null || state(stat) != 'Z') {
				continue;
			}
			if (!this.zombies.contains(pid)) {
				zombies.add(pid);
			}
			else if (this.waitpid.reap(pid)) {
				reaped.add(pid);
				if (logger.isDebugEnabled()) {
					logger.debug("Reaped orphaned process " + pid + " (" + name(stat) + ")");
				}
			}
		}
		this.zombies = zombies;
		return reaped;
	}

	/**
	 * The state letter of {@code /proc/<pid>/stat}: after the name in parentheses, which
	 * may hold spaces and parentheses itself.
	 */
	private static char state(String stat) {
		int end = stat.lastIndexOf(')');
		return (end >= 0 && end + 2 < stat.length()) ? stat.charAt(end + 2) : '?';
	}

	private static String name(String stat) {
		int start = stat.indexOf('(');
		int end = stat.lastIndexOf(')');
		return (start >= 0 && end > start) ? stat.substring(start + 1, end) : "?";
	}

	/**
	 * Stop looking for orphans.
	 */
	@Override
	public void close() {
		ScheduledExecutorService scanner = this.scanner;
		if (scanner != null) {
			scanner.shutdownNow();
		}
	}

	/**
	 * The master's child processes and their state.
	 */
	interface ProcessTable {

		/**
		 * The pids of this process's children, zombies included.
		 * @return the pids
		 */
		List<Long> children();

		/**
		 * A process's {@code /proc/<pid>/stat} line.
		 * @param pid the process
		 * @return the line, or {@code null} if it cannot be read
		 */
		@Nullable String stat(long pid);

	}

	/**
	 * Waiting for a child without blocking: {@code waitpid(pid, NULL, WNOHANG)}.
	 */
	interface Waitpid {

		/**
		 * Reap a child if it has exited.
		 * @param pid the child
		 * @return whether it was reaped
		 */
		boolean reap(long pid);

	}

	/**
	 * The process table of Linux's {@code /proc}.
	 */
	static final class ProcFileSystem implements ProcessTable {

		@Override
		public List<Long> children() {
			return ProcessHandle.current().children().map(ProcessHandle::pid).toList();
		}

		@Override
		public @Nullable String stat(long pid) {
			try {
				return Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			}
			catch (IOException ex) {
				return null;
			}
		}

	}

}
