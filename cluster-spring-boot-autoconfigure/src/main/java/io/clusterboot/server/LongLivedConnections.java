package io.clusterboot.server;

/**
 * Connections that would hold a draining worker for its whole drain timeout, such as
 * WebSocket sessions or server-sent event streams, told to go when the drain starts, once
 * the listening socket is closed (so that clients reconnect to a sibling).
 * <p>
 * A drain calls {@link #goAway()} when it starts and again at every check, so that those
 * that start later on the connections left open go too.
 *
 * @since 0.1.0
 */
public interface LongLivedConnections {

	/**
	 * The reason a WebSocket session is closed with, with code 1001 (going away), on
	 * every server.
	 */
	String GOING_AWAY_REASON = "Server is draining";


	/**
	 * Tell every open connection of this kind to go that was not told yet. An
	 * implementation may also end at once the ones that start after its first call.
	 * @return the number of connections told to go by this call
	 */
	int goAway();

	/**
	 * What these connections are and how they are told, for the log, such as
	 * {@code "WebSocket session(s) closed with 1001 (going away)"}.
	 * @return the description
	 */
	String getDescription();

}
