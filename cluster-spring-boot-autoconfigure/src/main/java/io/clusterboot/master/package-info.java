/**
 * Beans of the master process: the {@link io.clusterboot.master.ClusterMaster} stereotype.
 */
@NullMarked
package io.clusterboot.master;

import org.jspecify.annotations.NullMarked;
