/**
 * Port sharing with {@code SO_REUSEPORT} for the embedded web servers.
 */
@NullMarked
package io.clusterboot.reuseport;

import org.jspecify.annotations.NullMarked;
