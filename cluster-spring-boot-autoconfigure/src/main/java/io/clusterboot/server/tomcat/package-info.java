/**
 * Port sharing with {@code SO_REUSEPORT} for Tomcat, reading the master's PROXY protocol
 * header in proxy mode, and leaving the port without failing a request.
 */
@NullMarked
package io.clusterboot.server.tomcat;

import org.jspecify.annotations.NullMarked;
