package io.clusterboot.server;

import java.util.Locale;

/**
 * How the workers of a cluster share its port ({@code cluster.port-sharing}).
 *
 * @since 0.1.0
 */
public enum PortSharing {

	/**
	 * {@link #REUSEPORT} where the kernel spreads a shared port's connections over its
	 * listeners (Linux) and the web server can bind with {@code SO_REUSEPORT}, else
	 * {@link #PROXY}.
	 */
	AUTO,

	/**
	 * Every worker binds the port with {@code SO_REUSEPORT} and the kernel spreads the
	 * connections over them: no hop, no work for the master.
	 */
	REUSEPORT,

	/**
	 * The master accepts the connections and hands each to a worker's private loopback
	 * port in turn (Node's round-robin), telling the worker the client's address with a
	 * PROXY protocol header. Works on every OS and with every web server, and a worker
	 * being replaced gets no new connection before it drains.
	 */
	PROXY;

	/**
	 * The value as written in properties and in a worker's environment.
	 * @return {@code auto}, {@code reuseport} or {@code proxy}
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
