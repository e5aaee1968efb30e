/**
 * Port sharing with {@code SO_REUSEPORT} for Jetty, and leaving the shared port without
 * failing a request.
 */
@NullMarked
package io.clusterboot.server.jetty;

import org.jspecify.annotations.NullMarked;
