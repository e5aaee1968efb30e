package io.clusterboot.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyProxyProtocolCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.netty.NettyProxyProtocolCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.TomcatProxyProtocolCustomizer;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

/**
 * Shares a separate management port ({@code management.server.port}) between the
 * workers the way the application port is shared (with {@code SO_REUSEPORT}, or in proxy
 * mode behind the master, reading its PROXY protocol header), on each server for which
 * Spring Boot creates a management child context.
 *
 * @since 0.1.0
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnProperty("cluster.worker.id")
@ConditionalOnClass(WebServerFactoryCustomizer.class)
public class ClusterManagementContextConfiguration {

	@Bean
	PortSharingCheckCustomizer managementPortSharingCheckCustomizer(Environment environment) {
		return ClusterWorkerAutoConfiguration.portSharingCheck(environment);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TomcatWebServerFactory.class)
	static class TomcatConfiguration {

		@Bean
		@ConditionalOnReusePort
		TomcatReusePortCustomizer managementTomcatReusePortCustomizer() {
			return new TomcatReusePortCustomizer();
		}

		@Bean
		@ConditionalOnProxyMode
		TomcatProxyProtocolCustomizer managementTomcatProxyProtocolCustomizer(Environment environment) {
			return new TomcatProxyProtocolCustomizer(ClusterWorkerAutoConfiguration.proxyProtocol(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JettyWebServerFactory.class)
	static class JettyConfiguration {

		@Bean
		@ConditionalOnReusePort
		JettyReusePortCustomizer managementJettyReusePortCustomizer() {
			return new JettyReusePortCustomizer();
		}

		@Bean
		@ConditionalOnProxyMode
		JettyProxyProtocolCustomizer managementJettyProxyProtocolCustomizer(Environment environment) {
			return new JettyProxyProtocolCustomizer(ClusterWorkerAutoConfiguration.proxyProtocol(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(NettyReactiveWebServerFactory.class)
	static class ReactorNettyConfiguration {

		@Bean
		@ConditionalOnReusePort
		NettyReusePortCustomizer managementNettyReusePortCustomizer() {
			return new NettyReusePortCustomizer();
		}

		@Bean
		@ConditionalOnProxyMode
		NettyProxyProtocolCustomizer managementNettyProxyProtocolCustomizer(Environment environment) {
			return new NettyProxyProtocolCustomizer(ClusterWorkerAutoConfiguration.proxyProtocol(environment));
		}

	}

}
