/**
 * The {@code cluster} actuator endpoint.
 */
@NullMarked
package io.clusterboot.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
