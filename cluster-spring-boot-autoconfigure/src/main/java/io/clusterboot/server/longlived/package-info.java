/**
 * Long-lived connections, WebSocket sessions and server-sent event streams, told to go
 * when a worker drains, on any web server.
 */
@NullMarked
package io.clusterboot.server.longlived;

import org.jspecify.annotations.NullMarked;
