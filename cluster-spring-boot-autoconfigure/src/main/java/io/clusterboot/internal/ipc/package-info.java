/**
 * The channel between the master and its workers: framing, server and client.
 */
@NullMarked
package io.clusterboot.ipc;

import org.jspecify.annotations.NullMarked;
