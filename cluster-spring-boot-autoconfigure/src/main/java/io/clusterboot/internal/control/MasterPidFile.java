package io.clusterboot.internal.control;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The pid file a master writes ({@code cluster.pid-file}), read by an operator's command
 * to find that master.
 */
final class MasterPidFile {

	private MasterPidFile() {
	}

	/**
	 * The pid file the command was given.
	 * @param value the value of {@code cluster.pid-file}
	 * @return the file, as an absolute path
	 * @throws ControlException with {@link ClusterControl#USAGE} if there is none
	 */
	static Path of(@Nullable String value) throws ControlException {
		if (value == null || value.isBlank()) {
			throw new ControlException(ClusterControl.USAGE,
					"cluster.control finds the master through its pid file: add --cluster.pid-file=<file>, the "
							+ "file the master was started with (it needs cluster.pid-file set too)");
		}
		return Path.of(value.trim()).toAbsolutePath();
	}

	/**
	 * Read the master's pid.
	 * @param file the pid file
	 * @return the pid
	 * @throws ControlException with {@link ClusterControl#FAILED} if the file cannot be
	 * read or does not hold a pid
	 */
	static long read(Path file) throws ControlException {
		String content;
		try {
			content = Files.readString(file).trim();
		}
		catch (NoSuchFileException ex) {
			throw new ControlException(ClusterControl.FAILED, "There is no pid file " + file
					+ ": no cluster master is running with --cluster.pid-file=" + file
					+ " (it deletes the file when it stops). Check the path, and that the master was started with it");
		}
		catch (AccessDeniedException ex) {
			throw new ControlException(ClusterControl.FAILED, "Cannot read the pid file " + file
					+ " (permission denied): run the command as the OS user that runs the cluster");
		}
		catch (IOException ex) {
			throw new ControlException(ClusterControl.FAILED,
					"Cannot read the pid file " + file + ": " + ex.getMessage(), ex);
		}
		try {
			long pid = Long.parseLong(content);
			if (pid > 0) {
				return pid;
			}
		}
		catch (NumberFormatException ex) {
			// Said below
		}
		String shown = (content.length() > 40) ? content.substring(0, 40) + "..." : content;
		throw new ControlException(ClusterControl.FAILED, "The pid file " + file + " does not hold a process id ('"
				+ shown + "'): it is not a cluster master's pid file; check --cluster.pid-file");
	}

}
