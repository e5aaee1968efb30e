package io.clusterboot.server.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.collections.SynchronizedStack;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.jspecify.annotations.Nullable;

import io.clusterboot.server.proxy.ProxyProtocol;
import io.clusterboot.server.proxy.RefusedConnections;

/**
 * The endpoint of a worker's Tomcat in proxy mode: it binds a private port of its own on
 * {@code 127.0.0.1} without {@code SO_REUSEPORT}, reads the PROXY protocol v2 header the
 * master sends before each connection's bytes, and makes the client it names the
 * connection's remote address, so that {@code getRemoteAddr()}, {@code getRemotePort()},
 * {@code ServerHttpRequest.getRemoteAddress()} and the access log show the real client.
 * <p>
 * Tomcat cannot read the PROXY protocol itself. A new connection is still in blocking
 * mode when Tomcat hands it to {@link #setSocketOptions(SocketChannel)}, so the header is
 * read there with {@link ProxyProtocol#readSource(java.io.InputStream)}, taking exactly
 * its bytes and leaving the request for Tomcat; only then is the connection made
 * non-blocking and given to the poller. The read happens on one of the connector's
 * worker threads rather than on the acceptor, with a {@linkplain #setHeaderTimeout
 * timeout}, so that a connection that sends nothing delays no other. A connection without
 * a valid header in time, or whose peer is not on this machine, is closed with one
 * (rate-limited) WARN line.
 *
 * @see ProxyProtocolHttp11NioProtocol
 */
class ProxyProtocolNioEndpoint extends ReusePortNioEndpoint {

	private static final Log logger = LogFactory.getLog(ProxyProtocolNioEndpoint.class);

	private final RefusedConnections refused = new RefusedConnections(logger);

	private volatile boolean proxyProtocol = true;

	private volatile Duration headerTimeout = Duration.ofSeconds(5);

	ProxyProtocolNioEndpoint() {
		super(false);
	}

	/**
	 * Set whether each connection starts with a PROXY protocol header. Without one the
	 * remote address is the master's.
	 * @param proxyProtocol whether to read a header
	 */
	void setProxyProtocol(boolean proxyProtocol) {
		this.proxyProtocol = proxyProtocol;
	}

	boolean isProxyProtocol() {
		return this.proxyProtocol;
	}

	/**
	 * Set the time a connection has to send its header before it is closed.
	 * @param headerTimeout the timeout
	 */
	void setHeaderTimeout(Duration headerTimeout) {
		this.headerTimeout = headerTimeout;
	}

	@Override
	protected boolean setSocketOptions(SocketChannel socket) {
		SocketAddress peer = peer(socket);
		if (!RefusedConnections.isLocal(peer)) {
			this.refused.refused(peer, "it does not come from this machine");
			destroySocket(socket);
			return false;
		}
		if (!this.proxyProtocol) {
			return super.setSocketOptions(socket);
		}
		Executor executor = getExecutor();
		if (executor == null) {
			destroySocket(socket);
			return false;
		}
		try {
			executor.execute(() -> readHeaderAndRegister(socket, peer));
			return true;
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Closing a new connection: the connector is stopping", ex);
			destroySocket(socket);
			return false;
		}
	}

	private void readHeaderAndRegister(SocketChannel socket, @Nullable SocketAddress peer) {
		InetSocketAddress client;
		try {
			client = readHeader(socket);
		}
		catch (SocketTimeoutException ex) {
			this.refused.refused(peer,
					"it sent no complete PROXY protocol header within " + this.headerTimeout.toMillis() + " ms");
			destroySocket(socket);
			return;
		}
		catch (IOException ex) {
			this.refused.refused(peer, ex.getMessage());
			destroySocket(socket);
			return;
		}
		if (!isRunning() || isPaused()) {
			destroySocket(socket);
			return;
		}
		if (!register(socket, client)) {
			closeSocket(socket);
		}
	}

	/**
	 * Read the header while the channel is still blocking, with a timeout on the read.
	 */
	private @Nullable InetSocketAddress readHeader(SocketChannel channel) throws IOException {
		Socket socket = channel.socket();
		socket.setSoTimeout((int) Math.max(1, this.headerTimeout.toMillis()));
		InetSocketAddress client = ProxyProtocol.readSource(socket.getInputStream());
		socket.setSoTimeout(0);
		return client;
	}

	/**
	 * What {@link NioEndpoint#setSocketOptions(SocketChannel)} does, with a socket wrapper
	 * whose remote address is the client's. Tomcat creates its wrapper in that method
	 * with no factory to override, and a wrapper's remote address can only be set from
	 * within a wrapper class, hence this copy (Tomcat 11.0).
	 */
	private boolean register(SocketChannel socket, @Nullable InetSocketAddress client) {
		NioSocketWrapper socketWrapper = null;
		try {
			NioChannel channel = null;
			SynchronizedStack<NioChannel> nioChannels = getNioChannels();
			if (nioChannels != null) {
				channel = nioChannels.pop();
			}
			if (channel == null) {
				SocketBufferHandler bufferHandler = new SocketBufferHandler(this.socketProperties.getAppReadBufSize(),
						this.socketProperties.getAppWriteBufSize(), this.socketProperties.getDirectBuffer());
				channel = createChannel(bufferHandler);
			}
			NioSocketWrapper newWrapper = (client != null) ? new ProxiedSocketWrapper(channel, this, client)
					: new NioSocketWrapper(channel, this);
			channel.reset(socket, newWrapper);
			this.connections.put(socket, newWrapper);
			socketWrapper = newWrapper;
			socket.configureBlocking(false);
			if (getUnixDomainSocketPath() == null) {
				this.socketProperties.setProperties(socket.socket());
			}
			socketWrapper.setReadTimeout(getConnectionTimeout());
			socketWrapper.setWriteTimeout(getConnectionTimeout());
			socketWrapper.setKeepAliveLeft(getMaxKeepAliveRequests());
			getPoller().register(socketWrapper);
			return true;
		}
		catch (Throwable ex) {
			logger.error("Could not set up a connection to " + client, ex);
			if (socketWrapper == null) {
				destroySocket(socket);
			}
			return false;
		}
	}

	private static @Nullable SocketAddress peer(SocketChannel socket) {
		try {
			return socket.getRemoteAddress();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * A connection's wrapper whose remote address is the client's, from the PROXY
	 * protocol header, instead of the master's.
	 */
	static final class ProxiedSocketWrapper extends NioSocketWrapper {

		private final InetSocketAddress client;

		ProxiedSocketWrapper(NioChannel channel, NioEndpoint endpoint, InetSocketAddress client) {
			super(channel, endpoint);
			this.client = client;
		}

		@Override
		protected void populateRemoteAddr() {
			this.remoteAddr = this.client.getAddress().getHostAddress();
		}

		@Override
		protected void populateRemoteHost() {
			this.remoteHost = this.client.getAddress().getHostName();
			if (this.remoteAddr == null) {
				this.remoteAddr = this.client.getAddress().getHostAddress();
			}
		}

		@Override
		protected void populateRemotePort() {
			this.remotePort = this.client.getPort();
		}

	}

}
