package io.clusterboot.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

import io.clusterboot.actuate.health.ClusterHealthIndicator;
import io.clusterboot.worker.MasterLink;

/**
 * Auto-configuration of the {@code cluster} health contributor.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("cluster")
public final class ClusterHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "clusterHealthIndicator")
	ClusterHealthIndicator clusterHealthIndicator(ObjectProvider<MasterLink> runtime,
			ClusterProperties properties) {
		return new ClusterHealthIndicator(runtime.getIfAvailable(), properties.getHealth().getMinWorkers(),
				properties.getWorker().getHeartbeatInterval());
	}

}
