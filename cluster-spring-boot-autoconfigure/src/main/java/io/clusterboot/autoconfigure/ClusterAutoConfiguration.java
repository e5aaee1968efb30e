package io.clusterboot.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

import tools.jackson.databind.json.JsonMapper;

import io.clusterboot.message.ClusterMessenger;
import io.clusterboot.message.LocalMessenger;
import io.clusterboot.worker.MasterLink;

/**
 * Auto-configuration of cluster mode in an application context: the properties in every
 * role, and a {@link LocalMessenger} in an ordinary single process. Workers get more from
 * {@link ClusterWorkerAutoConfiguration}; the master runs a context of its own and no
 * auto-configuration at all.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@EnableConfigurationProperties(ClusterProperties.class)
public final class ClusterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean({ ClusterMessenger.class, MasterLink.class })
	LocalMessenger clusterMessenger(ApplicationEventPublisher publisher) {
		return new LocalMessenger(publisher, JsonMapper.builder().build());
	}

}
