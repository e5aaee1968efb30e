package io.clusterboot.server.jetty;

import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.io.Connection;

/**
 * The HTTP/2 sessions of a draining Jetty, read only when {@code jetty-http2-server} is on
 * the class path (Boot's {@code server.http2.enabled} needs it).
 */
final class JettyHttp2Sessions {

	static final String HTTP2_CONNECTION_CLASS = "org.eclipse.jetty.http2.HTTP2Connection";

	private JettyHttp2Sessions() {
	}

	/**
	 * Whether a connection is an HTTP/2 session that is done: {@code GOAWAY} was sent (or
	 * received) and no stream is left. Jetty then waits for its client to close the
	 * connection, which most clients do at once.
	 * @param connection the connection of an endpoint
	 * @return whether it is an HTTP/2 session that is done
	 */
	static boolean isDone(Connection connection) {
		if (connection instanceof HTTP2Connection http2) {
			HTTP2Session session = http2.getSession();
			return session.isClosed() && session.getStreamCount() == 0;
		}
		return false;
	}

}
