package io.clusterboot.internal.ipc;

import java.io.IOException;

/**
 * Thrown when a peer sends bytes that are not a valid frame: a bad length prefix, an
 * unknown type or a body that does not parse. The connection it came from is closed.
 *
 * @since 0.1.0
 */
public class MalformedFrameException extends IOException {

	/**
	 * Create a new exception.
	 * @param message what was wrong with the frame
	 */
	public MalformedFrameException(String message) {
		super(message);
	}

	/**
	 * Create a new exception.
	 * @param message what was wrong with the frame
	 * @param cause the parse failure
	 */
	public MalformedFrameException(String message, Throwable cause) {
		super(message, cause);
	}

}
