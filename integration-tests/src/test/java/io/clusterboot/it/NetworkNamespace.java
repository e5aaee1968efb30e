package io.clusterboot.it;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A Linux network namespace of the test's own, with its own loopback and its own
 * {@code net.ipv4.tcp_migrate_req}, so a test can run a cluster under a kernel setting
 * without touching the machine's. Needs root and iproute2; where they are missing,
 * {@link #create} says why and returns nothing.
 */
public final class NetworkNamespace implements AutoCloseable {

	private final String name;

	private NetworkNamespace(String name) {
		this.name = name;
	}

	/**
	 * Create a namespace with loopback up and the given {@code tcp_migrate_req}.
	 */
	public static Optional<NetworkNamespace> create(int tcpMigrateReq) {
		String name = "cluster-it-" + UUID.randomUUID().toString().substring(0, 8);
		try {
			run("ip", "netns", "add", name);
		}
		catch (IOException ex) {
			System.out.println("Network namespaces are not available here (" + ex.getMessage()
					+ "); they need root and iproute2");
			return Optional.empty();
		}
		NetworkNamespace namespace = new NetworkNamespace(name);
		try {
			run("ip", "-n", name, "link", "set", "lo", "up");
			run("ip", "netns", "exec", name, "sysctl", "-q", "-w", "net.ipv4.tcp_migrate_req=" + tcpMigrateReq);
			return Optional.of(namespace);
		}
		catch (IOException ex) {
			System.out.println("Could not set up network namespace " + name + ": " + ex.getMessage());
			namespace.close();
			return Optional.empty();
		}
	}

	/**
	 * The command prefix that runs a program inside the namespace.
	 */
	public List<String> prefix() {
		return List.of("ip", "netns", "exec", this.name);
	}

	@Override
	public void close() {
		try {
			run("ip", "netns", "del", this.name);
		}
		catch (IOException ex) {
			System.out.println("Could not delete network namespace " + this.name + ": " + ex.getMessage());
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

	private static void run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			String output = new String(process.getInputStream().readAllBytes()).trim();
			if (process.waitFor() != 0) {
				throw new IOException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

}
