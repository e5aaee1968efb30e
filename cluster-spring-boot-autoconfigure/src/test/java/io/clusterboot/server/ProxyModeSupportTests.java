package io.clusterboot.server;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProxyModeSupport}.
 */
class ProxyModeSupportTests {

	private static final String CODEC = "io.netty.handler.codec.haproxy";

	@Test
	void servletApplicationsOnTomcatOrJettyReadTheHeader() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.SERVLET, getClass().getClassLoader()))
			.isTrue();
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.SERVLET,
				new FilteredClassLoader(TomcatWebServerFactory.class)))
			.isTrue();
	}

	@Test
	void servletApplicationWithoutTomcatOrJettyCannot() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.SERVLET,
				new FilteredClassLoader(TomcatWebServerFactory.class, JettyWebServerFactory.class)))
			.isFalse();
	}

	@Test
	void reactorNettyReadsTheHeaderWithTheCodec() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.REACTIVE, getClass().getClassLoader()))
			.isTrue();
	}

	@Test
	void reactorNettyCannotReadTheHeaderWithoutTheCodec() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.REACTIVE, new FilteredClassLoader(CODEC)))
			.isFalse();
	}

	@Test
	void servletApplicationIgnoresReactorNettysCodec() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.SERVLET, new FilteredClassLoader(CODEC)))
			.isTrue();
	}

	@Test
	void nonWebApplicationReadsNothing() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(WebApplicationType.NONE, getClass().getClassLoader()))
			.isFalse();
	}

	@Test
	void factoriesOfTheServersThatReadIt() {
		assertThat(ProxyModeSupport.canReadProxyProtocol(new TomcatServletWebServerFactory())).isTrue();
		assertThat(ProxyModeSupport.canReadProxyProtocol(new JettyServletWebServerFactory())).isTrue();
		assertThat(ProxyModeSupport.canReadProxyProtocol(new NettyReactiveWebServerFactory())).isTrue();
		assertThat(ProxyModeSupport.canReadProxyProtocol(new Object())).isFalse();
	}

}
