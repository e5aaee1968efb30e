package io.clusterboot.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.tomcat.reactive.TomcatReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizerBeanPostProcessor;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;

import io.clusterboot.server.PortSharingCheckCustomizer;
import io.clusterboot.server.jetty.JettyProxyProtocolCustomizer;
import io.clusterboot.server.jetty.JettyReusePortCustomizer;
import io.clusterboot.server.netty.NettyProxyProtocolCustomizer;
import io.clusterboot.server.netty.NettyReusePortCustomizer;
import io.clusterboot.server.tomcat.ProxyProtocolHttp11NioProtocol;
import io.clusterboot.server.tomcat.TomcatProxyProtocolCustomizer;
import io.clusterboot.server.tomcat.TomcatReusePortCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ClusterWorkerAutoConfiguration} in a worker whose master relays the
 * connections to it ({@code cluster.worker.port-sharing=proxy}).
 */
class ClusterWorkerAutoConfigurationProxyModeTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
		.withPropertyValues("cluster.worker.id=1", "cluster.worker.port-sharing=proxy",
				"cluster.worker.proxy-protocol=true");

	@Test
	void proxyModeReadsTheHeaderOnEveryServer() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TomcatProxyProtocolCustomizer.class)
			.hasSingleBean(JettyProxyProtocolCustomizer.class)
			.hasSingleBean(NettyProxyProtocolCustomizer.class)
			.hasSingleBean(PortSharingCheckCustomizer.class));
	}

	@Test
	void proxyModeBindsWithoutReusePort() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(TomcatReusePortCustomizer.class)
			.doesNotHaveBean(JettyReusePortCustomizer.class)
			.doesNotHaveBean(NettyReusePortCustomizer.class));
	}

	@Test
	void reusePortModeHasNoProxyProtocolCustomizer() {
		this.contextRunner.withPropertyValues("cluster.worker.port-sharing=reuseport")
			.run((context) -> assertThat(context).hasSingleBean(TomcatReusePortCustomizer.class)
				.hasSingleBean(JettyReusePortCustomizer.class)
				.hasSingleBean(NettyReusePortCustomizer.class)
				.doesNotHaveBean(TomcatProxyProtocolCustomizer.class)
				.doesNotHaveBean(JettyProxyProtocolCustomizer.class)
				.doesNotHaveBean(NettyProxyProtocolCustomizer.class));
	}

	@Test
	void tomcatProxyProtocolCustomizerBacksOffForAUserBean() {
		TomcatProxyProtocolCustomizer userCustomizer = new TomcatProxyProtocolCustomizer(false);
		this.contextRunner.withBean(TomcatProxyProtocolCustomizer.class, () -> userCustomizer)
			.run((context) -> assertThat(context).getBean(TomcatProxyProtocolCustomizer.class)
				.isSameAs(userCustomizer));
	}

	@Test
	void tomcatGetsTheProxyProtocol() {
		this.contextRunner.withBean(TomcatReactiveWebServerFactory.class)
			.withBean(WebServerFactoryCustomizerBeanPostProcessor.class)
			.run((context) -> assertThat(context.getBean(TomcatReactiveWebServerFactory.class).getProtocol())
				.isEqualTo(ProxyProtocolHttp11NioProtocol.class.getName()));
	}

	@Test
	void portSharingCheckLetsAnyServerRunBehindTheMasterWithoutAHeader() {
		this.contextRunner.withPropertyValues("cluster.worker.proxy-protocol=false")
			.run((context) -> assertThatNoException().isThrownBy(() -> context.getBean(PortSharingCheckCustomizer.class)
				.customize((ReactiveWebServerFactory) (handler) -> {
					throw new UnsupportedOperationException();
				})));
	}

	@Test
	void portSharingCheckRefusesAServerThatCannotReadTheHeader() {
		this.contextRunner.run((context) -> assertThatIllegalStateException()
			.isThrownBy(() -> context.getBean(PortSharingCheckCustomizer.class)
				.customize((ReactiveWebServerFactory) (handler) -> {
					throw new UnsupportedOperationException();
				})));
	}

}
