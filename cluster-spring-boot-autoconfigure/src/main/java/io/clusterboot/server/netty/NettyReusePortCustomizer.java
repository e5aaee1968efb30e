package io.clusterboot.server.netty;

import java.net.StandardSocketOptions;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerConfig;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Reactor Netty bind its port with {@code SO_REUSEPORT}, so that all workers share
 * it.
 * <p>
 * The option is set on the server channel (the listening socket), never on the accepted
 * connections, and it is the one of the transport Reactor Netty binds with: the native
 * transport's ({@code EpollChannelOption.SO_REUSEPORT}, which all native transports
 * share as {@link UnixChannelOption#SO_REUSEPORT}) when it is available and preferred,
 * as by default on Linux, and the JDK's through {@link NioChannelOption} otherwise (for
 * example with {@code -Dreactor.netty.native=false}). A channel ignores an option of
 * another transport with no more than a warning, and the second worker would then fail
 * to bind.
 *
 * @since 0.1.0
 */
public class NettyReusePortCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	private static final Log logger = LogFactory.getLog(NettyReusePortCustomizer.class);

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		// Added after the factory's own customizers, so it sees the transport they chose
		factory.addServerCustomizers(NettyReusePortCustomizer::reusePort);
	}

	static HttpServer reusePort(HttpServer server) {
		ChannelOption<Boolean> option = reusePortOption(server.configuration());
		logger.debug("Binding with " + option.name() + " on the server channel");
		return server.option(option, true);
	}

	/**
	 * The {@code SO_REUSEPORT} option of the transport the server will bind with. Reactor
	 * Netty's loop resources choose a native transport exactly when it is preferred and
	 * one is available (and Boot binds with its preference,
	 * {@link LoopResources#DEFAULT_NATIVE}).
	 */
	static ChannelOption<Boolean> reusePortOption(HttpServerConfig config) {
		if (config.isPreferNative() && LoopResources.hasNativeSupport()) {
			return UnixChannelOption.SO_REUSEPORT;
		}
		return NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
