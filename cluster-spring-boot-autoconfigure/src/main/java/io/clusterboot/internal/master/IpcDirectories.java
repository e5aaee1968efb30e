package io.clusterboot.internal.master;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The private directories that hold the masters' IPC sockets, {@code cluster-<pid>-*} in
 * the temporary directory: making one, and removing those of masters killed before they
 * could remove their own.
 * <p>
 * A temporary directory is shared with other users, and, across containers or between a
 * host and its containers, with masters whose pids mean nothing here. So a directory is
 * removed only when it is certainly a dead master's of this user: a real directory (never
 * a link), owned by this user, with mode {@code 0700}, older than a minute, whose pid is
 * not running here and whose socket accepts no connection (a master alive in another PID
 * namespace still accepts on it), holding nothing but files. It is emptied and removed
 * through a handle on the open directory, relative to it, so that a link swapped in
 * meanwhile redirects nothing.
 * <p>
 * An operator's command finds a master's socket here too, by the master's pid.
 *
 * @since 0.1.0
 */
public final class IpcDirectories {

	private static final Log logger = LogFactory.getLog(IpcDirectories.class);

	static final String PREFIX = "cluster-";

	static final String SOCKET = "master.sock";

	private static final Set<PosixFilePermission> PRIVATE = EnumSet.of(PosixFilePermission.OWNER_READ,
			PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

	private static final Duration MIN_AGE = Duration.ofMinutes(1);

	/**
	 * Longest path of a Unix domain socket, with a margin under the kernel's 108 bytes.
	 */
	private static final int MAX_SOCKET_PATH = 100;

	private IpcDirectories() {
	}

	/**
	 * The directory that holds the masters' directories: the JVM's temporary directory,
	 * or {@code /tmp} where that is too long a path for a socket.
	 * @return the directory
	 */
	static Path base() {
		Path base = Path.of(System.getProperty("java.io.tmpdir"));
		return (base.toAbsolutePath().toString().length() > MAX_SOCKET_PATH - 40) ? Path.of("/tmp") : base;
	}

	/**
	 * The sockets of the running masters of this OS user with a given pid: those in
	 * {@code cluster-<pid>-*} directories of the temporary directory (and of {@code /tmp},
	 * for a master whose JVM had another temporary directory) that are real directories
	 * owned by this user. More than one when a dead master's directory is left beside a
	 * live one's.
	 * @param pid the master's pid
	 * @return the sockets, newest directory first; empty if there is none
	 */
	public static List<Path> sockets(long pid) {
		String user = System.getProperty("user.name");
		List<Path> directories = new ArrayList<>();
		for (Path base : new LinkedHashSet<>(List.of(base().toAbsolutePath(), Path.of("/tmp")))) {
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + pid + "-*")) {
				for (Path entry : entries) {
					if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
							&& Files.getOwner(entry, LinkOption.NOFOLLOW_LINKS).getName().equals(user)) {
						directories.add(entry);
					}
				}
			}
			catch (IOException ex) {
				logger.debug("Could not look for the IPC directory of pid " + pid + " in " + base, ex);
			}
		}
		directories.sort(Comparator.comparing(IpcDirectories::modified).reversed());
		return directories.stream().map((directory) -> directory.resolve(SOCKET)).toList();
	}

	private static Instant modified(Path directory) {
		try {
			return Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS).toInstant();
		}
		catch (IOException ex) {
			return Instant.EPOCH;
		}
	}

	/**
	 * Make a private directory for this master's socket.
	 * @param base the temporary directory
	 * @param pid this master's pid
	 * @return the new directory
	 * @throws IOException if it cannot be made
	 */
	static Path create(Path base, long pid) throws IOException {
		String prefix = PREFIX + pid + "-";
		if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			return Files.createTempDirectory(base, prefix);
		}
		return Files.createTempDirectory(base, prefix,
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
	}

	/**
	 * Remove the stale directories of this user's dead masters beside this master's own,
	 * saying at debug level why not if that fails.
	 * @param base the temporary directory
	 * @param own this master's directory
	 */
	static void cleanUp(Path base, Path own) {
		try {
			List<String> removed = removeStale(base, own, Instant.now());
			if (!removed.isEmpty()) {
				logger.debug("Removed the IPC directories of masters that are gone: " + removed);
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not clean up stale IPC directories in " + base, ex);
		}
	}

	/**
	 * Remove the directories of dead masters of the owner of {@code own}.
	 * @param base the directory that holds them
	 * @param own this master's directory, which tells the user and is left alone
	 * @param now the time, against which a directory's age is measured
	 * @return the names of the directories removed
	 * @throws IOException if the base directory cannot be read
	 */
	static List<String> removeStale(Path base, Path own, Instant now) throws IOException {
		UserPrincipal user = Files.getOwner(own, LinkOption.NOFOLLOW_LINKS);
		List<String> removed = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(base, PREFIX + "*-*")) {
			if (!(entries instanceof SecureDirectoryStream<Path> secure)) {
				logger.debug("Not cleaning up stale IPC directories: " + base
						+ " cannot be read through a handle on the open directory here");
				return removed;
			}
			for (Path entry : entries) {
				Path name = entry.getFileName();
				Long pid = pidOf(name.toString());
				if (pid == null || name.equals(own.getFileName()) || ProcessHandle.of(pid).isPresent()) {
					continue;
				}
				try {
					if (removeIfStale(secure, base, name, user, now)) {
						removed.add(name.toString());
					}
				}
				catch (IOException ex) {
					logger.debug("Left " + entry + " alone", ex);
				}
			}
		}
		return removed;
	}

	private static boolean removeIfStale(SecureDirectoryStream<Path> base, Path basePath, Path name, UserPrincipal user,
			Instant now) throws IOException {
		// Opening with NOFOLLOW_LINKS fails on a link: only a real directory is ever opened
		try (SecureDirectoryStream<Path> directory = base.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
			PosixFileAttributes attributes = directory.getFileAttributeView(PosixFileAttributeView.class)
				.readAttributes();
			if (!attributes.owner().equals(user) || !attributes.permissions().equals(PRIVATE)
					|| attributes.lastModifiedTime().toInstant().isAfter(now.minus(MIN_AGE))
					|| acceptsConnections(basePath.resolve(name).resolve(SOCKET))) {
				return false;
			}
			List<Path> files = new ArrayList<>();
			for (Path file : directory) {
				files.add(file.getFileName());
			}
			for (Path file : files) {
				PosixFileAttributes fileAttributes = directory
					.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
					.readAttributes();
				if (fileAttributes.isDirectory()) {
					// Not what a master leaves behind
					return false;
				}
				directory.deleteFile(file);
			}
			base.deleteDirectory(name);
			return true;
		}
	}

	/**
	 * Whether a master still listens on the socket: one alive in another PID namespace
	 * that shares this temporary directory.
	 */
	private static boolean acceptsConnections(Path socket) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return true;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	static @Nullable Long pidOf(String name) {
		int end = name.indexOf('-', PREFIX.length());
		try {
			return (name.startsWith(PREFIX) && end > 0) ? Long.parseLong(name.substring(PREFIX.length(), end)) : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Remove this master's own directory and its socket.
	 * @param directory the directory
	 */
	static void delete(Path directory) {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
			for (Path file : files) {
				Files.deleteIfExists(file);
			}
			Files.deleteIfExists(directory);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + directory, ex);
		}
	}

}
