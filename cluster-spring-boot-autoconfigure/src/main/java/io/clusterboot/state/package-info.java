/**
 * The cluster as the master sees it: snapshots of the cluster and its workers, their
 * states, exits and counters. Everything else may use these types; they use nothing else.
 */
@NullMarked
package io.clusterboot.state;

import org.jspecify.annotations.NullMarked;
