package io.clusterboot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Auto-configuration of cluster mode's properties, in
 * every role. Workers get more from {@link ClusterWorkerAutoConfiguration}; the master
 * runs its own context and no auto-configuration at all.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@EnableConfigurationProperties(ClusterProperties.class)
public final class ClusterAutoConfiguration {

}
