package io.clusterboot.server.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Sits next to the HTTP/1.1 codec of one connection: it knows whether a request is in
 * progress and since when the connection is idle, and once the server drains it answers
 * with {@code Connection: close} and closes the connection after that response.
 * Its state is touched only on the connection's event loop.
 */
class NettyDrainHandler extends ChannelDuplexHandler {

	private final NettyConnections connections;

	private int requestsInProgress;

	private boolean upgraded;

	private boolean closeAfterResponse;

	private volatile long lastActivityNanos = System.nanoTime();

	NettyDrainHandler(NettyConnections connections) {
		this.connections = connections;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (msg instanceof HttpRequest) {
			this.requestsInProgress++;
		}
		this.lastActivityNanos = System.nanoTime();
		super.channelRead(ctx, msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response) {
			HttpResponseStatus status = response.status();
			if (status.equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
				// An upgraded connection is told to go by its own protocol: WebSocket by the
				// long-lived connections, HTTP/2 (h2c) with GOAWAY by NettyConnections
				this.upgraded = true;
			}
			else if (status.codeClass() != HttpStatusClass.INFORMATIONAL && this.connections.isDraining()) {
				HttpUtil.setKeepAlive(response, false);
				this.closeAfterResponse = true;
			}
		}
		this.lastActivityNanos = System.nanoTime();
		if (msg instanceof LastHttpContent) {
			this.requestsInProgress = Math.max(0, this.requestsInProgress - 1);
			if (this.closeAfterResponse) {
				ChannelPromise written = promise.unvoid();
				written.addListener(ChannelFutureListener.CLOSE);
				super.write(ctx, msg, written);
				return;
			}
		}
		super.write(ctx, msg, promise);
	}

	/**
	 * Whether the connection waits for a next request and has done so for at least the
	 * given time. Called on the event loop.
	 */
	boolean isIdle(long idleNanos) {
		return !this.upgraded && this.requestsInProgress == 0 && System.nanoTime() - this.lastActivityNanos >= idleNanos;
	}

}
