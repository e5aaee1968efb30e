/**
 * Proxy mode: the master owns the public port and hands each connection to a worker's
 * private loopback port, telling the worker who the client is with a PROXY protocol
 * header.
 */
@NullMarked
package io.clusterboot.server.proxy;

import org.jspecify.annotations.NullMarked;
