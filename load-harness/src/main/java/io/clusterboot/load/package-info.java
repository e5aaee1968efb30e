/**
 * HTTP load generator for loopback servers that counts every request's outcome by kind.
 */
@NullMarked
package io.clusterboot.load;

import org.jspecify.annotations.NullMarked;
