package io.clusterboot.state;

/**
 * The connections the master's proxy has handed a worker, in proxy mode
 * ({@code cluster.port-sharing=proxy}).
 *
 * @param open connections open now
 * @param handedOver connections handed to the worker since it started
 * @since 0.1.0
 */
public record ConnectionStats(int open, long handedOver) {

}
