package io.clusterboot.server.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.ProxyProtocolSupportType;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import io.clusterboot.server.proxy.RefusedConnections;

/**
 * Makes a worker's Reactor Netty, in proxy mode, read the PROXY protocol header its master
 * sends before each connection's bytes ({@link HttpServer#proxyProtocol(ProxyProtocolSupportType)
 * ON}), so that {@code ServerHttpRequest.getRemoteAddress()} and the access log see the real
 * client. The private port is bound plainly, without {@code SO_REUSEPORT}. A connection
 * whose peer is not on this machine, or that does not start with a valid header, is closed
 * with one (rate-limited) WARN line: only the master connects to a worker's private port.
 * <p>
 * Reactor Netty reads the header with {@code io.netty:netty-codec-haproxy}, which the
 * application must have on its class path; without it the master sends no header, and the
 * remote address of a request is the master's.
 *
 * @since 0.1.0
 */
public class NettyProxyProtocolCustomizer
		implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	static final String CODEC = "io.netty.handler.codec.haproxy.HAProxyMessageDecoder";

	private static final String HEADER_CHECK = "cluster.proxyProtocolHeaderCheck";

	private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(NettyProxyProtocolCustomizer.class);

	private final boolean proxyProtocol;

	private final @Nullable ClassLoader classLoader;

	/**
	 * Create a customizer.
	 * @param proxyProtocol whether the master sends a PROXY protocol header before each
	 * connection's bytes
	 */
	public NettyProxyProtocolCustomizer(boolean proxyProtocol) {
		this(proxyProtocol, null);
	}

	NettyProxyProtocolCustomizer(boolean proxyProtocol, @Nullable ClassLoader classLoader) {
		this.proxyProtocol = proxyProtocol;
		this.classLoader = classLoader;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		ClassLoader classLoader = (this.classLoader != null) ? this.classLoader : factory.getClass().getClassLoader();
		if (this.proxyProtocol && !ClassUtils.isPresent(CODEC, classLoader)) {
			throw new IllegalStateException("This worker's master sends a PROXY protocol header before each "
					+ "connection, which Reactor Netty reads only with io.netty:netty-codec-haproxy: add "
					+ "io.netty:netty-codec-haproxy to the application's dependencies (Spring Boot manages its "
					+ "version)");
		}
		RefusedConnections refused = new RefusedConnections(logger);
		factory.addServerCustomizers((server) -> proxyProtocol(server, this.proxyProtocol, refused, HEADER_TIMEOUT));
	}

	static HttpServer proxyProtocol(HttpServer server, boolean proxyProtocol, RefusedConnections refused,
			Duration headerTimeout) {
		HttpServer checked = server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (!RefusedConnections.isLocal(channel.remoteAddress())) {
				refused.refused(channel.remoteAddress(), "it does not come from this machine");
				channel.close();
				return;
			}
			ChannelPipeline pipeline = channel.pipeline();
			if (pipeline.get(NettyPipeline.ProxyProtocolDecoder) != null) {
				pipeline.addAfter(NettyPipeline.ProxyProtocolDecoder, HEADER_CHECK,
						new HeaderCheck(refused, headerTimeout));
			}
		});
		return proxyProtocol ? checked.proxyProtocol(ProxyProtocolSupportType.ON) : checked;
	}

	@Override
	public int getOrder() {
		return 0;
	}

	/**
	 * Logs a connection whose header the decoder before it rejects, which Reactor Netty
	 * closes with no more than a DEBUG line, and closes a connection that sends no header
	 * in time, which Reactor Netty would keep open; steps aside once the header has been
	 * read.
	 */
	static class HeaderCheck extends ChannelInboundHandlerAdapter {

		private final RefusedConnections refused;

		private final Duration headerTimeout;

		private @Nullable ScheduledFuture<?> timeout;

		HeaderCheck(RefusedConnections refused, Duration headerTimeout) {
			this.refused = refused;
			this.headerTimeout = headerTimeout;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext context) {
			this.timeout = context.executor().schedule(() -> {
				this.refused.refused(context.channel().remoteAddress(), "it sent no complete PROXY protocol header "
						+ "within " + this.headerTimeout.toMillis() + " ms");
				context.close();
			}, this.headerTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext context) {
			if (this.timeout != null) {
				this.timeout.cancel(false);
			}
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) {
			context.pipeline().remove(this);
			context.fireChannelRead(message);
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
			if (cause instanceof DecoderException) {
				this.refused.refused(context.channel().remoteAddress(),
						"it did not start with a valid PROXY protocol header (" + cause.getMessage() + ")");
				context.close();
				return;
			}
			context.fireExceptionCaught(cause);
		}

	}

}
