package io.clusterboot.server.proxy;

/**
 * What a {@link ConnectionProxy} did for one worker.
 *
 * @param openConnections the connections to the worker open now
 * @param connectionsHandedOver the connections handed to the worker in total
 * @since 0.1.0
 */
public record ProxyStats(int openConnections, long connectionsHandedOver) {

}
