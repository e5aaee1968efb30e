package io.clusterboot.load;

import java.io.IOException;

/**
 * Signals a response that is not valid HTTP/1.x, counted as {@link FailureKind#OTHER}.
 *
 * @since 0.1.0
 */
public class MalformedResponseException extends IOException {

	private static final long serialVersionUID = 1L;

	MalformedResponseException(String message) {
		super(message);
	}

}
