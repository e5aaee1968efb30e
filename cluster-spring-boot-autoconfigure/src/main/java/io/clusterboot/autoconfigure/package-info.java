/**
 * Auto-configuration and properties of cluster mode.
 */
@NullMarked
package io.clusterboot.autoconfigure;

import org.jspecify.annotations.NullMarked;
