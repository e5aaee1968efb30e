/**
 * Deciding whether a process is the master, a worker or a single process.
 */
@NullMarked
package io.clusterboot.role;

import org.jspecify.annotations.NullMarked;
