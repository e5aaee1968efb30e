package io.clusterboot.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Checks, before any worker is forked, that the application port can be shared, and
 * picks a free port when asked for port 0.
 *
 * @since 0.1.0
 */
public final class PortGuard {

	private PortGuard() {
	}

	/**
	 * Whether this platform lets several processes bind one port with
	 * {@code SO_REUSEPORT}.
	 * @return {@code false} where {@code SO_REUSEPORT} does not exist (Windows)
	 * @throws IOException if a socket cannot be opened to find out
	 */
	public static boolean supportsPortSharing() throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			return channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
		}
	}

	/**
	 * The error for a port another program holds, naming that program where
	 * {@code /proc} tells.
	 * @param port the port
	 * @return the exception to throw
	 */
	public static PortInUseException inUse(int port) {
		return new PortInUseException(port, findListener(port));
	}

	/**
	 * Whether the kernel spreads the connections of a shared port over its listeners.
	 * Linux does; macOS and the BSDs give them all to one listener.
	 * @return {@code true} on Linux
	 */
	public static boolean balancesSharedPorts() {
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
	}

	/**
	 * Pick one free port for all workers.
	 * @param address the address the workers will bind, or {@code null} for all
	 * @return a port no one is listening on
	 * @throws IOException if no port can be bound
	 */
	public static int pickFreePort(@Nullable InetAddress address) throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(address, 0));
			return ((InetSocketAddress) channel.getLocalAddress()).getPort();
		}
	}

	/**
	 * Check that workers will be able to bind {@code port} with {@code SO_REUSEPORT}.
	 * @param address the address the workers will bind, or {@code null} for all
	 * @param port the port
	 * @return {@code true} if the port is free, {@code false} if other
	 * {@code SO_REUSEPORT} listeners of this user already share it (for example the
	 * workers of a cluster that is being replaced)
	 * @throws PortInUseException if another program holds the port
	 * @throws IOException if the check itself fails
	 */
	public static boolean check(@Nullable InetAddress address, int port) throws IOException {
		InetSocketAddress socketAddress = new InetSocketAddress(address, port);
		if (canBind(socketAddress, false)) {
			return true;
		}
		if (canBind(socketAddress, true)) {
			return false;
		}
		throw new PortInUseException(port, findListener(port));
	}

	private static boolean canBind(InetSocketAddress address, boolean reusePort) throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			if (reusePort) {
				if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
					return false;
				}
				channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
			channel.bind(address);
			return true;
		}
		catch (BindException ex) {
			return false;
		}
	}

	/**
	 * Find a process listening on a TCP port, where {@code /proc} tells.
	 * @param port the port
	 * @return a description such as {@code pid 1234 (nginx)}, or {@code null} if unknown
	 */
	static @Nullable String findListener(int port) {
		Set<String> inodes = new HashSet<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			inodes.addAll(listeningInodes(Path.of(table), port));
		}
		if (inodes.isEmpty()) {
			return null;
		}
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : processes) {
				if (holdsSocket(process, inodes)) {
					return "pid " + process.getFileName() + commandName(process);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// No /proc, or not readable: the holder stays unknown
		}
		return null;
	}

	private static Set<String> listeningInodes(Path table, int port) {
		Set<String> inodes = new HashSet<>();
		String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
		try {
			for (String line : Files.readAllLines(table)) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 9 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
					inodes.add(fields[9]);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux, or not readable
		}
		return inodes;
	}

	private static boolean holdsSocket(Path process, Set<String> inodes) {
		try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
			for (Path fd : fds) {
				String target = Files.readSymbolicLink(fd).toString();
				if (target.startsWith("socket:[") && inodes.contains(target.substring(8, target.length() - 1))) {
					return true;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Another user's process, or it has just exited
		}
		return false;
	}

	private static String commandName(Path process) {
		try {
			return " (" + Files.readString(process.resolve("comm")).trim() + ")";
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Thrown when another program holds the application port.
	 */
	public static class PortInUseException extends BindException {

		private final int port;

		private final @Nullable String holder;

		PortInUseException(int port, @Nullable String holder) {
			super("Port " + port + " is already in use by another program"
					+ ((holder != null) ? " (" + holder + ")" : ""));
			this.port = port;
			this.holder = holder;
		}

		/**
		 * The port.
		 * @return the port
		 */
		public int getPort() {
			return this.port;
		}

		/**
		 * The process holding the port, where it could be found.
		 * @return e.g. {@code pid 1234 (nginx)}, or {@code null}
		 */
		public @Nullable String getHolder() {
			return this.holder;
		}

	}

}
