package io.clusterboot.server;

/**
 * Connections that would hold a draining worker for its whole drain timeout, such as
 * WebSocket sessions or server-sent event streams, told to go when the drain starts, once
 * the listening socket is closed (so that clients reconnect to a sibling).
 * <p>
 * Once told, an implementation also ends at once the ones that start later on the
 * connections left open.
 *
 * @since 0.1.0
 */
public interface LongLivedConnections {

	/**
	 * Tell every open connection of this kind to go, and every later one as soon as it
	 * starts.
	 * @return the number of connections told to go
	 */
	int goAway();

	/**
	 * What these connections are and how they are told, for the log, such as
	 * {@code "WebSocket session(s) closed with 1001 (going away)"}.
	 * @return the description
	 */
	String getDescription();

}
