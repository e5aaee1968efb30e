package io.clusterboot.server;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.reactive.TomcatReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactory;

import io.clusterboot.server.SharedPortServers.PortSharingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link SharedPortServers}.
 */
class SharedPortServersTests {

	@Test
	void servletApplicationFindsTomcatAndJetty() {
		assertThat(SharedPortServers.check(WebApplicationType.SERVLET, getClass().getClassLoader(), 8080))
			.containsExactly("Tomcat", "Jetty");
	}

	@Test
	void reactiveApplicationFindsReactorNettyFirst() {
		assertThat(SharedPortServers.check(WebApplicationType.REACTIVE, getClass().getClassLoader(), 8080))
			.containsExactly("Reactor Netty", "Tomcat", "Jetty");
	}

	@Test
	void servletApplicationWithJettyOnly() {
		FilteredClassLoader classLoader = new FilteredClassLoader(TomcatWebServerFactory.class);
		assertThat(SharedPortServers.check(WebApplicationType.SERVLET, classLoader, 8080)).containsExactly("Jetty");
	}

	@Test
	void servletApplicationWithoutASharableServerFailsWithAClearMessage() {
		FilteredClassLoader classLoader = new FilteredClassLoader(TomcatWebServerFactory.class,
				JettyWebServerFactory.class);
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> SharedPortServers.check(WebApplicationType.SERVLET, classLoader, 8080))
			.withMessageContaining("cannot share port 8080")
			.withMessageContaining("servlet application")
			.withMessageContaining("cluster.port-sharing=proxy")
			.withMessageContaining("cluster.workers=0");
	}

	@Test
	void reactiveApplicationWithoutASharableServerFails() {
		FilteredClassLoader classLoader = new FilteredClassLoader(TomcatWebServerFactory.class,
				JettyWebServerFactory.class, NettyReactiveWebServerFactory.class);
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> SharedPortServers.check(WebApplicationType.REACTIVE, classLoader, 9000))
			.withMessageContaining("reactive application")
			.satisfies((ex) -> assertThat(ex.getPort()).isEqualTo(9000));
	}

	@Test
	void factoriesOfTheSharableServersPass() {
		assertThatNoException().isThrownBy(() -> {
			SharedPortServers.check(new TomcatReactiveWebServerFactory(), 8080);
			SharedPortServers.check(new JettyServletWebServerFactory(), 8080);
			SharedPortServers.check(new NettyReactiveWebServerFactory(), 8080);
		});
	}

	@Test
	void otherFactoryFailsNamingIt() {
		WebServerFactory factory = new OtherWebServerFactory();
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> SharedPortServers.check(factory, 8080))
			.withMessageContaining(OtherWebServerFactory.class.getName())
			.withMessageContaining("cluster.workers=0");
	}

	@Test
	void checkCustomizerFailsTheStartOfAnotherServer() {
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> new PortSharingCheckCustomizer().customize(new OtherWebServerFactory()));
		assertThatNoException()
			.isThrownBy(() -> new PortSharingCheckCustomizer().customize(new NettyReactiveWebServerFactory()));
	}

	static class OtherWebServerFactory implements WebServerFactory {

	}

}
