/**
 * Spring application events of the cluster's lifecycle and messages.
 */
@NullMarked
package io.clusterboot.event;

import org.jspecify.annotations.NullMarked;
