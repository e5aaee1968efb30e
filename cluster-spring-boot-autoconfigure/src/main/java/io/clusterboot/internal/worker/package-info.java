/**
 * A worker's side of the cluster: connection, heartbeats and request counting.
 */
@NullMarked
package io.clusterboot.internal.worker;

import org.jspecify.annotations.NullMarked;
