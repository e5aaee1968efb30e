package io.clusterboot.load;

/**
 * How a {@link LoadRun} uses its connections.
 *
 * @since 0.1.0
 */
public enum LoadMode {

	/**
	 * Persistent HTTP/1.1 connections, each sending requests one after another. When a
	 * response carries {@code Connection: close}, or the server has closed the
	 * connection cleanly after a complete response, the next request opens a new
	 * connection; that is not a failure.
	 */
	KEEP_ALIVE,

	/**
	 * A fresh connection for every request, which sends {@code Connection: close}.
	 */
	NEW_CONNECTION

}
