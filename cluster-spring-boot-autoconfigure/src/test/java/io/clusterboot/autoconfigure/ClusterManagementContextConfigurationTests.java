package io.clusterboot.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;

import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyProxyProtocolCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.netty.NettyProxyProtocolCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.TomcatProxyProtocolCustomizer;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterManagementContextConfiguration}: the management child context
 * of a worker shares its port on each server.
 */
class ClusterManagementContextConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(ClusterManagementContextConfiguration.class);

	@Test
	void sharesTheManagementPortOnEveryServerInAWorker() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).hasSingleBean(TomcatReusePortCustomizer.class)
				.hasSingleBean(JettyReusePortCustomizer.class)
				.hasSingleBean(NettyReusePortCustomizer.class)
				.hasSingleBean(PortSharingCheckCustomizer.class));
	}

	@Test
	void backsOffOutsideAWorker() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(TomcatReusePortCustomizer.class)
			.doesNotHaveBean(JettyReusePortCustomizer.class)
			.doesNotHaveBean(NettyReusePortCustomizer.class)
			.doesNotHaveBean(PortSharingCheckCustomizer.class));
	}

	@Test
	void eachServerBacksOffWhenAbsent() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withClassLoader(new FilteredClassLoader(TomcatWebServerFactory.class, JettyWebServerFactory.class,
					NettyReactiveWebServerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(TomcatReusePortCustomizer.class)
				.doesNotHaveBean(JettyReusePortCustomizer.class)
				.doesNotHaveBean(NettyReusePortCustomizer.class)
				.hasSingleBean(PortSharingCheckCustomizer.class));
	}

	@Test
	void readsTheProxyProtocolOnEveryServerInProxyMode() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1", "cluster.worker.port-sharing=proxy")
			.run((context) -> assertThat(context).hasSingleBean(TomcatProxyProtocolCustomizer.class)
				.hasSingleBean(JettyProxyProtocolCustomizer.class)
				.hasSingleBean(NettyProxyProtocolCustomizer.class)
				.hasSingleBean(PortSharingCheckCustomizer.class)
				.doesNotHaveBean(TomcatReusePortCustomizer.class)
				.doesNotHaveBean(JettyReusePortCustomizer.class)
				.doesNotHaveBean(NettyReusePortCustomizer.class));
	}

}
