/**
 * Port sharing with {@code SO_REUSEPORT} for Reactor Netty.
 */
@NullMarked
package io.clusterboot.server.netty;

import org.jspecify.annotations.NullMarked;
