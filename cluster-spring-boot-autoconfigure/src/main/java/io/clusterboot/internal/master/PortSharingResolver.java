package io.clusterboot.internal.master;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.clusterboot.server.PortGuard;
import io.clusterboot.server.PortSharing;
import io.clusterboot.server.SharedPortServers.PortSharingException;

/**
 * Decides how the workers share the port: {@code cluster.port-sharing}, with
 * {@link PortSharing#AUTO} resolved to {@code SO_REUSEPORT} where the kernel balances a
 * shared port and the web server can bind one, else to the master's proxy.
 */
final class PortSharingResolver {

	private final String osName;

	private final boolean kernelBalances;

	private final boolean reusePortSupported;

	PortSharingResolver(String osName, boolean kernelBalances, boolean reusePortSupported) {
		this.osName = osName;
		this.kernelBalances = kernelBalances;
		this.reusePortSupported = reusePortSupported;
	}

	static PortSharingResolver forThisPlatform() throws IOException {
		return new PortSharingResolver(System.getProperty("os.name", "This OS"), PortGuard.balancesSharedPorts(),
				PortGuard.supportsPortSharing());
	}

	/**
	 * Resolve the requested mode.
	 * @param requested {@code cluster.port-sharing}
	 * @param sharableServers the web servers on the class path whose port the workers can
	 * share, throwing {@link PortSharingException} if there is none
	 * @return the mode, with what the master should say about it
	 * @throws PortSharingException if {@code reuseport} was asked for and the web server
	 * cannot share its port
	 * @throws IllegalStateException if {@code reuseport} was asked for where the platform
	 * has no {@code SO_REUSEPORT}
	 */
	Resolution resolve(PortSharing requested, Supplier<List<String>> sharableServers) throws IOException {
		if (requested == PortSharing.PROXY) {
			return new Resolution(PortSharing.PROXY, null, null);
		}
		if (requested == PortSharing.REUSEPORT) {
			if (!this.reusePortSupported) {
				throw new IllegalStateException("cluster.port-sharing=reuseport needs SO_REUSEPORT so that the workers "
						+ "can share one port, and " + this.osName + " does not have it. Set cluster.port-sharing=proxy "
						+ "(or auto) to have the master accept the connections and hand them to the workers, or "
						+ "cluster.workers=0 to run a single process");
			}
			sharableServers.get();
			return new Resolution(PortSharing.REUSEPORT, null, this.kernelBalances ? null
					: this.osName + " does not spread the connections of a shared port over its listeners: one worker "
							+ "will get all of them. Set cluster.port-sharing=proxy (or auto) to have the master hand "
							+ "them to the workers in turn");
		}
		if (!this.kernelBalances || !this.reusePortSupported) {
			return new Resolution(PortSharing.PROXY, this.osName + " does not spread the connections of a shared "
					+ "port over its listeners: the master accepts them and hands them to the workers in turn "
					+ "(cluster.port-sharing=proxy)", null);
		}
		try {
			sharableServers.get();
			return new Resolution(PortSharing.REUSEPORT, null, null);
		}
		catch (PortSharingException ex) {
			return new Resolution(PortSharing.PROXY, ex.getReason() + ": the master accepts the connections and "
					+ "hands them to the workers in turn (cluster.port-sharing=proxy)", null);
		}
	}

	/**
	 * How the workers will share the port.
	 *
	 * @param mode {@link PortSharing#REUSEPORT} or {@link PortSharing#PROXY}
	 * @param info why {@code auto} chose proxy mode, or {@code null}
	 * @param warning what the user should know about an explicit choice, or {@code null}
	 */
	record Resolution(PortSharing mode, @Nullable String info, @Nullable String warning) {
	}

}
