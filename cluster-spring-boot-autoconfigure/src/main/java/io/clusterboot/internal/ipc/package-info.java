/**
 * The channel between the master and its workers: framing, server and client.
 */
@NullMarked
package io.clusterboot.internal.ipc;

import org.jspecify.annotations.NullMarked;
