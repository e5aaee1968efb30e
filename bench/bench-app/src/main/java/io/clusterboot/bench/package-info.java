/**
 * Application that measures messages between workers and the master, for bench/run.sh.
 */
@NullMarked
package io.clusterboot.bench;

import org.jspecify.annotations.NullMarked;
