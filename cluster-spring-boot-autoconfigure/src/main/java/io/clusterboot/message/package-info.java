/**
 * Messages between the master and its workers.
 */
@NullMarked
package io.clusterboot.message;

import org.jspecify.annotations.NullMarked;
