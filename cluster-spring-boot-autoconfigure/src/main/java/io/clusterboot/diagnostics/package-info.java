/**
 * Failure analysis for clusters that cannot start.
 */
@NullMarked
package io.clusterboot.diagnostics;

import org.jspecify.annotations.NullMarked;
