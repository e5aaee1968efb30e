/**
 * Building the command line that relaunches the application as a worker.
 */
@NullMarked
package io.clusterboot.internal.launch;

import org.jspecify.annotations.NullMarked;
