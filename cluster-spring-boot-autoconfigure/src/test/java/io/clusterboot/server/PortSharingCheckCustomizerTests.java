package io.clusterboot.server;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.http.server.reactive.HttpHandler;

import io.clusterboot.server.SharedPortServers.PortSharingException;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link PortSharingCheckCustomizer}.
 */
class PortSharingCheckCustomizerTests {

	private final ReactiveWebServerFactory otherServer = new OtherWebServerFactory();

	@Test
	void reusePortRefusesAServerThatCannotShareThePort() {
		assertThatExceptionOfType(PortSharingException.class)
			.isThrownBy(() -> new PortSharingCheckCustomizer().customize(this.otherServer));
	}

	@Test
	void reusePortAcceptsTomcatJettyAndReactorNetty() {
		PortSharingCheckCustomizer check = new PortSharingCheckCustomizer();
		assertThatNoException().isThrownBy(() -> {
			check.customize(new TomcatServletWebServerFactory());
			check.customize(new JettyServletWebServerFactory());
			check.customize(new NettyReactiveWebServerFactory());
		});
	}

	@Test
	void proxyModeWithoutAHeaderAcceptsAnyServer() {
		assertThatNoException()
			.isThrownBy(() -> new PortSharingCheckCustomizer(true, false).customize(this.otherServer));
	}

	@Test
	void proxyModeWithAHeaderAcceptsTheServersThatReadIt() {
		PortSharingCheckCustomizer check = new PortSharingCheckCustomizer(true, true);
		assertThatNoException().isThrownBy(() -> {
			check.customize(new TomcatServletWebServerFactory());
			check.customize(new JettyServletWebServerFactory());
			check.customize(new NettyReactiveWebServerFactory());
		});
	}

	@Test
	void proxyModeWithAHeaderRefusesAServerThatCannotReadIt() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new PortSharingCheckCustomizer(true, true).customize(this.otherServer))
			.withMessageContaining("sends a PROXY protocol header")
			.withMessageContaining(OtherWebServerFactory.class.getName());
	}

	static class OtherWebServerFactory implements ReactiveWebServerFactory {

		@Override
		public WebServer getWebServer(HttpHandler httpHandler) {
			throw new UnsupportedOperationException();
		}

	}

}
