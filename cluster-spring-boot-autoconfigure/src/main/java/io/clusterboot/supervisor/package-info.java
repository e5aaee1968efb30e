/**
 * The supervisor that forks, watches, restarts and replaces workers.
 */
@NullMarked
package io.clusterboot.supervisor;

import org.jspecify.annotations.NullMarked;
