/**
 * Port sharing with {@code SO_REUSEPORT} for Tomcat, and leaving the
 * shared port without failing a request.
 */
@NullMarked
package io.clusterboot.server.tomcat;

import org.jspecify.annotations.NullMarked;
