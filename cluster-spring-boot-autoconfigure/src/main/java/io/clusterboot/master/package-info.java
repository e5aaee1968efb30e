/**
 * The master process: bootstrap, its own context and the {@link io.clusterboot.master.ClusterMaster} stereotype.
 */
@NullMarked
package io.clusterboot.master;

import org.jspecify.annotations.NullMarked;
