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
	 * Close the listening sockets without closing an accepted connection, and make the
	 * responses on open connections carry {@code Connection: close} from now on (HTTP/2:
	 * {@code GOAWAY}, where the server supports it: Tomcat).
	 */
	void closeListeners();

	/**
	 * The number of connections still open.
	 * @return the open connections
	 */
	int getOpenConnections();

	/**
	 * Close the connections that have had no request in progress for at least the given
	 * time; upgraded connections (WebSocket) are left alone.
	 * @param idleTime how long a connection must have been idle to be closed
	 * @return the number of connections still open
	 */
	int closeIdleConnections(Duration idleTime);

}
