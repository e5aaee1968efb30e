/**
 * Port sharing with {@code SO_REUSEPORT} for Reactor Netty, and leaving the shared port
 * without failing a request.
 */
@NullMarked
package io.clusterboot.server.netty;

import org.jspecify.annotations.NullMarked;
