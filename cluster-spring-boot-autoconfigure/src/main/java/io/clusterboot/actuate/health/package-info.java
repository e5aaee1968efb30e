/**
 * The {@code cluster} health contributor.
 */
@NullMarked
package io.clusterboot.actuate.health;

import org.jspecify.annotations.NullMarked;
