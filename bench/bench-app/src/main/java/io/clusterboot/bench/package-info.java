/**
 * Application of the benchmarks, for bench/run.sh: the same endpoints on every web server,
 * and messages between workers and the master.
 */
@NullMarked
package io.clusterboot.bench;

import org.jspecify.annotations.NullMarked;
