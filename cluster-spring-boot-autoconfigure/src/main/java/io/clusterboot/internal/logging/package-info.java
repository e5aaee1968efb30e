/**
 * What tells the log lines of the cluster's processes apart.
 */
@NullMarked
package io.clusterboot.internal.logging;

import org.jspecify.annotations.NullMarked;
