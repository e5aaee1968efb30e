/**
 * An operator's command line ({@code --cluster.control=...}): talks to a running master
 * over its socket and exits, without starting the application.
 */
@NullMarked
package io.clusterboot.internal.control;

import org.jspecify.annotations.NullMarked;
