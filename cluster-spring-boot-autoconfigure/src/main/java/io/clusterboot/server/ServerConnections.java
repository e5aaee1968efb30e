package io.clusterboot.server;

import java.time.Duration;

/**
 * The connections of a web server as a {@link DrainLifecycle} sees them: a listening
 * socket to leave the shared port by, and the accepted connections it waits for.
 *
 * @since 0.1.0
 */
public interface ServerConnections {

	/**
	 * Close the listening sockets without closing an accepted connection, make the
	 * responses on open HTTP/1.1 connections carry {@code Connection: close} from now on,
	 * and send {@code GOAWAY} on every HTTP/2 connection (on each one that upgrades later
	 * too, at the latest by the next {@link #closeIdleConnections(Duration)}): its streams
	 * in progress finish and its client opens new ones on a new connection, on Tomcat,
	 * Jetty and Reactor Netty alike. Once no stream is left, Reactor Netty closes it at
	 * once; Tomcat and Jetty wait for their client to close it, which most clients do on
	 * {@code GOAWAY}, or for {@link #closeIdleConnections(Duration)} to find it idle.
	 */
	void closeListeners();

	/**
	 * The number of connections still open.
	 * @return the open connections
	 */
	int getOpenConnections();

	/**
	 * Close the connections that have had no request in progress for at least the given
	 * time; upgraded connections (WebSocket) are left alone, and HTTP/2 connections are
	 * closed only once {@code GOAWAY} was sent and no stream is left.
	 * @param idleTime how long a connection must have been idle to be closed
	 * @return the number of connections still open
	 */
	int closeIdleConnections(Duration idleTime);

}
