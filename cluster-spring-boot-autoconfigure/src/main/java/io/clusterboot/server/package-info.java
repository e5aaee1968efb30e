/**
 * What the kernel says about sharing a port: whether it can be shared, who holds it, and
 * whether queued connections move to a sibling listener when one closes; and which web
 * servers can share it, or read the PROXY protocol header of proxy mode.
 */
@NullMarked
package io.clusterboot.server;

import org.jspecify.annotations.NullMarked;
