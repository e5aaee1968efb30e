/**
 * Metrics of the whole cluster and the cluster-wide Prometheus scrape.
 */
@NullMarked
package io.clusterboot.actuate.metrics;

import org.jspecify.annotations.NullMarked;
