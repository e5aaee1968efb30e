package io.clusterboot.internal.master;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import io.clusterboot.server.PortGuard;
import io.clusterboot.server.proxy.ConnectionProxy;
import io.clusterboot.server.proxy.ProxyStats;
import io.clusterboot.state.ConnectionStats;
import io.clusterboot.supervisor.ConnectionRouter;

/**
 * Proxy mode's public ports: the application's and, if it has one, the separate management
 * server's, each relayed to the ports every worker bound on the loopback interface.
 */
final class ProxyRouter implements ConnectionRouter, AutoCloseable {

	/**
	 * How many connections wait to be accepted: what nginx and Node use.
	 */
	private static final int BACKLOG = 511;

	private static final InetAddress WORKER_ADDRESS = InetAddress.getLoopbackAddress();

	private final ConnectionProxy server;

	private final @Nullable ConnectionProxy management;

	private ProxyRouter(ConnectionProxy server, @Nullable ConnectionProxy management) {
		this.server = server;
		this.management = management;
	}

	/**
	 * Listen on the public ports.
	 * @param address the application's address, or {@code null} for all
	 * @param port the application's port, 0 for any
	 * @param managementAddress the management server's address, or {@code null} for all
	 * @param managementPort the separate management server's port, or {@code -1} for none
	 * @param proxyHeader whether the workers read a PROXY protocol header first
	 * @return the router, listening
	 * @throws PortGuard.PortInUseException if another program holds a port
	 * @throws IOException if a port cannot be bound
	 */
	static ProxyRouter open(@Nullable InetAddress address, int port, @Nullable InetAddress managementAddress,
			int managementPort, boolean proxyHeader) throws IOException {
		ConnectionProxy server = open("server", address, port, proxyHeader);
		try {
			ConnectionProxy management = (managementPort >= 0)
					? open("management", managementAddress, managementPort, proxyHeader) : null;
			return new ProxyRouter(server, management);
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			throw ex;
		}
	}

	private static ConnectionProxy open(String name, @Nullable InetAddress address, int port, boolean proxyHeader)
			throws IOException {
		try {
			return ConnectionProxy.open(name, address, port, BACKLOG, proxyHeader);
		}
		catch (BindException ex) {
			throw PortGuard.inUse(port);
		}
	}

	int port() {
		return this.server.port();
	}

	int managementPort() {
		return (this.management != null) ? this.management.port() : -1;
	}

	@Override
	public void route(long pid, int port, int managementPort) {
		this.server.route(pid, new InetSocketAddress(WORKER_ADDRESS, port));
		if (this.management != null && managementPort > 0) {
			this.management.route(pid, new InetSocketAddress(WORKER_ADDRESS, managementPort));
		}
	}

	@Override
	public void stopRouting(long pid) {
		this.server.stopRouting(pid);
		if (this.management != null) {
			this.management.stopRouting(pid);
		}
	}

	@Override
	public @Nullable ConnectionStats stats(long pid) {
		ProxyStats stats = this.server.stats().get(pid);
		return (stats != null) ? new ConnectionStats(stats.openConnections(), stats.connectionsHandedOver()) : null;
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		finally {
			if (this.management != null) {
				this.management.close();
			}
		}
	}

}
