package io.clusterboot.actuate.endpoint;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * The outcome of a write operation on the cluster.
 *
 * @param status the HTTP status
 * @param message what happened, or why nothing did
 * @since 0.1.0
 */
public record OperationResult(int status, String message) implements OperationResponseBody {
}
