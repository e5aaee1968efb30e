/**
 * The master's bootstrap: the port check, the IPC socket, the master's own small context
 * and the supervisor, started when the process turns out to be the master.
 */
@NullMarked
package io.clusterboot.internal.master;

import org.jspecify.annotations.NullMarked;
