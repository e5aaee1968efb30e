package io.clusterboot.server.netty;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.ServerConnections;

/**
 * Drains a worker's Reactor Netty off the shared port before Spring Boot's graceful
 * shutdown, as {@link DrainLifecycle} says: it closes the server channel (on its event
 * loop, so between two accepts), answers the requests on open HTTP/1.1 connections with
 * {@code Connection: close} and closes each connection after that response, sends
 * {@code GOAWAY} on HTTP/2 connections (h2c, with {@code server.http2.enabled}) and
 * closes each once its streams in progress are done, and closes the HTTP/1.1 connections
 * with no request in progress that stayed idle for the idle timeout.
 * <p>
 * It is also the customizer of the Netty web server factory that records the server
 * channel and the connections as they come.
 *
 * @since 0.1.0
 */
public class NettyDrainLifecycle extends DrainLifecycle
		implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	private final NettyConnections connections;

	/**
	 * Create a lifecycle that drains the Reactor Netty servers it customizes.
	 * @param timeout the longest time to wait for the open connections to close
	 * @param idleTimeout how long a connection must have been idle before it is closed
	 */
	public NettyDrainLifecycle(Duration timeout, Duration idleTimeout) {
		this(new NettyConnections(), timeout, idleTimeout);
	}

	NettyDrainLifecycle(NettyConnections connections, Duration timeout, Duration idleTimeout) {
		super(timeout, idleTimeout);
		this.connections = connections;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		factory.addServerCustomizers(this.connections::customize);
	}

	@Override
	protected @Nullable ServerConnections findConnections() {
		return this.connections.hasServerChannels() ? this.connections : null;
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
