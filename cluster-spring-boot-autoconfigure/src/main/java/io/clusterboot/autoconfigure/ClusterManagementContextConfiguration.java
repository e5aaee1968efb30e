package io.clusterboot.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.context.annotation.Bean;

import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

/**
 * Shares a separate management port ({@code management.server.port}) between the
 * workers the way the application port is shared.
 *
 * @since 0.1.0
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnProperty("cluster.worker.id")
@ConditionalOnClass(TomcatWebServerFactory.class)
public class ClusterManagementContextConfiguration {

	@Bean
	TomcatReusePortCustomizer managementTomcatReusePortCustomizer() {
		return new TomcatReusePortCustomizer();
	}

}
