/**
 * Class data for workers: the archive of loaded classes the master has one worker write
 * once per build and JVM, and from which it starts every later worker.
 */
@NullMarked
package io.clusterboot.internal.classdata;

import org.jspecify.annotations.NullMarked;
