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
import io.netty.util.concurrent.GlobalEventExecutor;
import reactor.netty.http.server.HttpServer;

import io.clusterboot.server.ServerConnections;

/**
 * The listening channels and open connections of a Reactor Netty server, recorded
 * through the hooks {@link HttpServer} offers: {@code doOnBound} for the server channel
 * (Boot's {@code NettyWebServer} exposes neither it nor its {@code DisposableServer}),
 * and {@code doOnChannelInit} for each accepted connection, which joins a
 * {@link ChannelGroup} and gets a {@link NettyDrainHandler}.
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
	}

	@Override
	public int getOpenConnections() {
		return this.connections.size();
	}

	@Override
	public int closeIdleConnections(Duration idleTime) {
		long idleNanos = idleTime.toNanos();
		for (Channel channel : this.connections) {
			if (channel.pipeline().get(HANDLER_NAME) instanceof NettyDrainHandler handler) {
				channel.eventLoop().execute(() -> {
					if (handler.isIdle(idleNanos)) {
						channel.close();
					}
				});
			}
		}
		return getOpenConnections();
	}

}
