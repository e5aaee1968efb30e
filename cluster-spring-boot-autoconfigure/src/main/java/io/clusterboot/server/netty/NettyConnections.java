package io.clusterboot.server.netty;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.netty.http.server.HttpServer;

import io.clusterboot.server.ServerConnections;

/**
 * The listening channels and open connections of a Reactor Netty server, recorded
 * through the hooks {@link HttpServer} offers: {@code doOnBound} for the server channel
 * (Boot's {@code NettyWebServer} exposes neither it nor its {@code DisposableServer}),
 * and {@code doOnChannelInit} for each accepted connection, which joins a
 * {@link ChannelGroup} and, while it speaks HTTP/1.1, gets a {@link NettyDrainHandler}.
 * <p>
 * An HTTP/2 connection (h2c, upgraded or with prior knowledge) is drained by closing it:
 * Netty's {@link Http2ConnectionHandler} then sends {@code GOAWAY} and closes the
 * connection once its active streams are done (Boot's Reactor Netty waits for them
 * without a timeout of its own), so its client opens its next streams on a new
 * connection, to a sibling.
 */
class NettyConnections implements ServerConnections {

	static final String HANDLER_NAME = "cluster.drain";

	private final Set<Channel> serverChannels = ConcurrentHashMap.newKeySet();

	private final ChannelGroup connections = new DefaultChannelGroup("cluster-drain", GlobalEventExecutor.INSTANCE);

	private volatile boolean draining;

	HttpServer customize(HttpServer server) {
		return server.doOnBound((bound) -> this.serverChannels.add(bound.channel()))
			.doOnUnbound((unbound) -> this.serverChannels.remove(unbound.channel()))
			.doOnChannelInit((observer, channel, remoteAddress) -> track(channel));
	}

	private void track(Channel channel) {
		this.connections.add(channel);
		ChannelPipeline pipeline = channel.pipeline();
		// Named NettyPipeline.HttpCodec, unless the server also speaks h2c: Netty's
		// cleartext upgrade handler then adds it under a name of its own
		ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
		if (codec != null && pipeline.get(HANDLER_NAME) == null) {
			pipeline.addAfter(codec.name(), HANDLER_NAME, new NettyDrainHandler(this));
		}
	}

	boolean hasServerChannels() {
		return !this.serverChannels.isEmpty();
	}

	boolean isDraining() {
		return this.draining;
	}

	@Override
	public void closeListeners() {
		this.draining = true;
		for (Channel channel : this.serverChannels) {
			// Closed on its event loop, between two accepts: no accepted connection is lost
			channel.close().awaitUninterruptibly(Duration.ofSeconds(5).toMillis());
		}
		for (Channel channel : this.connections) {
			channel.eventLoop().execute(() -> goAwayIfHttp2(channel));
		}
	}

	@Override
	public int getOpenConnections() {
		return this.connections.size();
	}

	@Override
	public int closeIdleConnections(Duration idleTime) {
		long idleNanos = idleTime.toNanos();
		for (Channel channel : this.connections) {
			channel.eventLoop().execute(() -> {
				// A connection upgraded to HTTP/2 since the drain started is told to go too
				if (!goAwayIfHttp2(channel) && channel.pipeline().get(HANDLER_NAME) instanceof NettyDrainHandler handler
						&& handler.isIdle(idleNanos)) {
					channel.close();
				}
			});
		}
		return getOpenConnections();
	}

	/**
	 * Send {@code GOAWAY} on an HTTP/2 connection that was not told yet, and close it once
	 * its active streams are done. Called on the event loop.
	 * @return whether the connection speaks HTTP/2
	 */
	private static boolean goAwayIfHttp2(Channel channel) {
		Http2ConnectionHandler http2 = channel.pipeline().get(Http2ConnectionHandler.class);
		if (http2 == null) {
			return false;
		}
		if (!http2.connection().goAwaySent()) {
			channel.close();
		}
		return true;
	}

}
