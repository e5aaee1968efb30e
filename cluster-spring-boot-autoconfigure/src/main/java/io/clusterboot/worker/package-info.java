/**
 * What a worker knows of its cluster and may ask of its master.
 */
@NullMarked
package io.clusterboot.worker;

import org.jspecify.annotations.NullMarked;
