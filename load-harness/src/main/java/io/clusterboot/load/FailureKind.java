package io.clusterboot.load;

/**
 * Why a request of a {@link LoadRun} got no complete HTTP response.
 *
 * @since 0.1.0
 * @see LoadReport#failures(FailureKind)
 */
public enum FailureKind {

	/**
	 * The connection was refused: nothing listens on the port.
	 */
	CONNECT_REFUSED,

	/**
	 * The connection was not established within the connect timeout, typically because
	 * the listen backlog is full.
	 */
	CONNECT_TIMEOUT,

	/**
	 * The connection was reset (or the pipe broken) while the request was sent or before
	 * any byte of the response arrived.
	 */
	RESET,

	/**
	 * The server closed the connection cleanly before any byte of the response. On a
	 * reused keep-alive connection this is the classic race with a server that closes
	 * idle connections, see {@link LoadReport#failuresOnReusedConnections(FailureKind)}.
	 */
	CLOSED_BEFORE_RESPONSE,

	/**
	 * The connection was closed or reset after part of the response.
	 */
	INCOMPLETE_RESPONSE,

	/**
	 * The server sent nothing for longer than the read timeout, before or during the
	 * response.
	 */
	READ_TIMEOUT,

	/**
	 * Anything else, including malformed responses; {@link LoadReport#otherFailures()}
	 * tells the exception classes.
	 */
	OTHER

}
