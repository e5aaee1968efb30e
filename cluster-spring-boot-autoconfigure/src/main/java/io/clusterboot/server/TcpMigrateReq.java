package io.clusterboot.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Linux's {@code net.ipv4.tcp_migrate_req}: when 1, connections waiting in the accept
 * queue of a closing {@code SO_REUSEPORT} listener move to a sibling; when 0 they are
 * reset. It decides whether a worker can leave the port group without losing the
 * connections that are on their way to it.
 *
 * @since 0.1.0
 */
public final class TcpMigrateReq {

	private static final Path SETTING = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

	private TcpMigrateReq() {
	}

	/**
	 * Read the setting of this process's network namespace.
	 * @return 0 or 1, or {@code null} where the kernel has no such setting
	 */
	public static @Nullable Integer read() {
		try {
			return Integer.valueOf(Files.readString(SETTING).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

}
