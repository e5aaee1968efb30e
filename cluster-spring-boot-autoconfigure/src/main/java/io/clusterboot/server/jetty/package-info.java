/**
 * Port sharing with {@code SO_REUSEPORT} for Jetty.
 */
@NullMarked
package io.clusterboot.server.jetty;

import org.jspecify.annotations.NullMarked;
