package io.clusterboot.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.tomcat.reactive.TomcatReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizerBeanPostProcessor;

import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.ReusePortHttp11NioProtocol;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the port hooks of Jetty and Reactor Netty in
 * {@link ClusterWorkerAutoConfiguration}, and for Tomcat's in a reactive application.
 */
class ClusterWorkerAutoConfigurationServersTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
		.withPropertyValues("cluster.worker.id=1");

	@Test
	void jettySharesItsPortInAWorker() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(JettyReusePortCustomizer.class));
	}

	@Test
	void jettyReusePortCustomizerBacksOffForAUserBean() {
		JettyReusePortCustomizer userCustomizer = new JettyReusePortCustomizer();
		this.contextRunner.withBean(JettyReusePortCustomizer.class, () -> userCustomizer)
			.run((context) -> assertThat(context).getBean(JettyReusePortCustomizer.class).isSameAs(userCustomizer));
	}

	@Test
	void jettyReusePortCustomizerAbsentWithoutJetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JettyWebServerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JettyReusePortCustomizer.class));
	}

	@Test
	void reactorNettySharesItsPortInAWorker() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(NettyReusePortCustomizer.class));
	}

	@Test
	void nettyReusePortCustomizerBacksOffForAUserBean() {
		NettyReusePortCustomizer userCustomizer = new NettyReusePortCustomizer();
		this.contextRunner.withBean(NettyReusePortCustomizer.class, () -> userCustomizer)
			.run((context) -> assertThat(context).getBean(NettyReusePortCustomizer.class).isSameAs(userCustomizer));
	}

	@Test
	void nettyReusePortCustomizerAbsentWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(NettyReactiveWebServerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(NettyReusePortCustomizer.class));
	}

	@Test
	void portSharingCheckIsConfiguredInAWorker() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(PortSharingCheckCustomizer.class));
	}

	@Test
	void portSharingCheckAbsentOutsideAWorker() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PortSharingCheckCustomizer.class)
				.doesNotHaveBean(JettyReusePortCustomizer.class)
				.doesNotHaveBean(NettyReusePortCustomizer.class));
	}

	@Test
	void tomcatReusePortCustomizerAppliesToTheReactiveTomcatFactory() {
		this.contextRunner.withBean(TomcatReactiveWebServerFactory.class)
			.withBean(WebServerFactoryCustomizerBeanPostProcessor.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(TomcatReusePortCustomizer.class);
				assertThat(context.getBean(TomcatReactiveWebServerFactory.class).getProtocol())
					.isEqualTo(ReusePortHttp11NioProtocol.class.getName());
			});
	}

}
