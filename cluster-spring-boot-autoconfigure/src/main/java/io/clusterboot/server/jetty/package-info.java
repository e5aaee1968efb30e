/**
 * How Jetty shares the cluster's port (with {@code SO_REUSEPORT}, or behind the master in
 * proxy mode, reading its PROXY protocol header) and leaves it without failing a
 * request.
 */
@NullMarked
package io.clusterboot.server.jetty;

import org.jspecify.annotations.NullMarked;
