package io.clusterboot.server.tomcat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.apache.coyote.Processor;
import org.apache.coyote.http11.upgrade.UpgradeProcessorInternal;
import org.apache.tomcat.util.net.Acceptor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * A Tomcat {@link NioEndpoint} whose listening socket is bound with
 * {@code SO_REUSEPORT}, so that every worker binds the same port and the kernel spreads
 * connections over them.
 * <p>
 * It also replaces Tomcat's way of waking its acceptor thread. Tomcat connects to its own
 * port to unblock a pending {@code accept()}; with {@code SO_REUSEPORT} that connection
 * may land on another worker, leaving this one stuck for a second and sending a stray
 * connection to a sibling. Here the acceptor waits on a selector that is simply woken up.
 * <p>
 * Finally, it can leave the shared port without failing a request ({@link #closeListener()}
 * and {@link #closeIdleConnections(Duration)}), which {@link TomcatDrainLifecycle} does before
 * Spring Boot's graceful shutdown pauses the connector.
 * <p>
 * In proxy mode its subclass {@link ProxyProtocolNioEndpoint} binds a port of its own
 * without {@code SO_REUSEPORT}, and keeps the acceptor's wake-up and the drain.
 *
 * @since 0.1.0
 */
class ReusePortNioEndpoint extends NioEndpoint {

	private static final long ACCEPTOR_WAIT_NANOS = 1_000_000_000L;

	private final boolean reusePort;

	private volatile ServerSocketChannel serverSocket;

	private volatile Selector acceptSelector;

	private volatile boolean unlockRequested;

	private volatile boolean closeRequested;

	private volatile boolean listenerClosed;

	private volatile boolean delegated;

	private volatile boolean draining;

	private volatile int maxKeepAliveRequestsWhileDraining;

	private volatile LongSupplier http2KeepAliveTimeout = () -> -1;

	private SocketAddress previousRemoteAddress;

	private long previousAcceptNanos;

	/**
	 * Create an endpoint that binds with {@code SO_REUSEPORT}.
	 */
	ReusePortNioEndpoint() {
		this(true);
	}

	/**
	 * Create an endpoint.
	 * @param reusePort whether to bind with {@code SO_REUSEPORT}; in proxy mode each
	 * worker binds a port of its own, with a plain bind
	 */
	ReusePortNioEndpoint(boolean reusePort) {
		this.reusePort = reusePort;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (getUseInheritedChannel() || getUnixDomainSocketPath() != null) {
			this.delegated = true;
			super.initServerSocket();
			return;
		}
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			getSocketProperties().setProperties(channel.socket());
			if (this.reusePort) {
				channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			}
			channel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
			channel.configureBlocking(false);
			Selector selector = Selector.open();
			channel.register(selector, SelectionKey.OP_ACCEPT);
			this.closeRequested = false;
			this.listenerClosed = false;
			this.draining = false;
			this.acceptSelector = selector;
			this.serverSocket = channel;
		}
		catch (Exception ex) {
			channel.close();
			throw ex;
		}
	}

	@Override
	protected NetworkChannel getServerSocket() {
		return this.delegated ? super.getServerSocket() : this.serverSocket;
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		if (this.delegated) {
			return super.serverSocketAccept();
		}
		while (true) {
			if (this.unlockRequested) {
				this.unlockRequested = false;
				// An unconnected channel: the acceptor, paused or stopping, destroys it
				return SocketChannel.open();
			}
			ServerSocketChannel channel = this.serverSocket;
			Selector selector = this.acceptSelector;
			if (channel == null || selector == null) {
				if (this.closeRequested) {
					// closeListener() went on without this thread: the acceptor is stopping
					return SocketChannel.open();
				}
				throw new ClosedChannelException();
			}
			if (this.closeRequested) {
				if (channel.isOpen()) {
					// Closed by this thread between two accepts: no connection it accepted
					// is dropped, and none waits in a queue that nobody accepts from
					channel.close();
					// Deregistering the channel is what closes its socket
					selector.selectNow();
				}
				this.listenerClosed = true;
			}
			else {
				SocketChannel accepted = channel.accept();
				if (accepted != null) {
					checkDuplicate(accepted);
					return accepted;
				}
			}
			selector.select();
			selector.selectedKeys().clear();
		}
	}

	/**
	 * Guard against the kernel handing out the same connection twice, as Tomcat does
	 * (Tomcat bug 65776).
	 */
	private void checkDuplicate(SocketChannel accepted) throws IOException {
		SocketAddress remote = accepted.getRemoteAddress();
		long now = System.nanoTime();
		if (remote != null && remote.equals(this.previousRemoteAddress) && now - this.previousAcceptNanos < 1000) {
			accepted.close();
			throw new IOException("Duplicate accept of " + remote + "; a known operating system bug");
		}
		this.previousRemoteAddress = remote;
		this.previousAcceptNanos = now;
	}

	@Override
	protected void unlockAccept() {
		if (this.delegated) {
			super.unlockAccept();
			return;
		}
		Acceptor<SocketChannel> acceptor = this.acceptor;
		Selector selector = this.acceptSelector;
		if (acceptor == null || selector == null || acceptor.getState() != Acceptor.AcceptorState.RUNNING) {
			return;
		}
		this.unlockRequested = true;
		selector.wakeup();
		awaitAcceptor(() -> acceptor.getState() != Acceptor.AcceptorState.RUNNING);
	}

	/**
	 * Stop accepting connections and close the listening socket, without pausing the
	 * endpoint. The kernel then sends new connections to the sibling workers (and, with
	 * {@code net.ipv4.tcp_migrate_req=1}, moves those still waiting in this socket's
	 * queue to them too), while the connections already accepted keep being served, each
	 * response with {@code Connection: close} but that of an upgrade ({@link #isDraining()})
	 * and HTTP/2 connections with a {@code GOAWAY}.
	 * <p>
	 * The acceptor thread closes the socket itself, between two accepts, before Tomcat's
	 * {@link #closeServerSocketGraceful()} stops it: stopped first, the acceptor would
	 * close a connection it had just accepted unserved, and connections would queue on a
	 * socket nobody accepts from.
	 * @return whether the listening socket was closed; {@code false} if it was not open
	 * or was bound on initialization, which this endpoint cannot close gracefully
	 */
	public boolean closeListener() {
		if (!this.draining) {
			this.maxKeepAliveRequestsWhileDraining = super.getMaxKeepAliveRequests();
			this.draining = true;
		}
		Acceptor<SocketChannel> acceptor = this.acceptor;
		Selector selector = this.acceptSelector;
		if (!this.delegated && acceptor != null && selector != null) {
			this.closeRequested = true;
			selector.wakeup();
			// An acceptor waiting for a free connection slot accepts nothing more: Tomcat
			// stops it and the socket is closed below
			awaitAcceptor(() -> this.listenerClosed || acceptor.getState() != Acceptor.AcceptorState.RUNNING);
		}
		closeServerSocketGraceful();
		boolean closed = getBindState() == BindState.SOCKET_CLOSED_ON_STOP;
		this.draining = closed;
		return closed;
	}

	/**
	 * Whether {@link #closeListener()} closed the listening socket, or is closing it:
	 * {@link DrainingAdapter} then answers each HTTP/1.1 request with
	 * {@code Connection: close}, but a request for an upgrade.
	 * @return whether this endpoint drains
	 */
	boolean isDraining() {
		return this.draining;
	}

	/**
	 * The number of requests a connection may carry. Tomcat makes it 1 once the listening
	 * socket is closed, which adds {@code Connection: close} to every response, the
	 * {@code 101} of a WebSocket handshake included; while this endpoint drains it stays
	 * as configured, and {@link DrainingAdapter} closes the connections instead.
	 */
	@Override
	public int getMaxKeepAliveRequests() {
		return this.draining ? this.maxKeepAliveRequestsWhileDraining : super.getMaxKeepAliveRequests();
	}

	/**
	 * Close the HTTP/1.1 connections that have had no request in progress for at least
	 * the given time, and the HTTP/2 connections that have had no stream for that long.
	 * A connection that is reading or processing a request, waiting for an asynchronous
	 * request or upgraded to WebSocket is left alone.
	 * <p>
	 * Closing an idle keep-alive connection always races with a client that sends its
	 * next request on it at that very moment, as with Tomcat's own keep-alive timeout:
	 * the longer the idle time, the fewer clients are caught. Connections that are busy
	 * are checked again on the next call. An HTTP/2 connection was told to go with
	 * {@code GOAWAY} first (see {@link #closeHttp2IfDone(Processor, long, long)}), so its
	 * client sends nothing new on it.
	 * @param idleTime how long a connection must have been idle to be closed
	 * @return the number of connections still open
	 */
	public int closeIdleConnections(Duration idleTime) {
		long now = System.currentTimeMillis();
		long idleMillis = idleTime.toMillis();
		for (SocketWrapperBase<NioChannel> connection : this.connections.values()) {
			if (connection.getCurrentProcessor() instanceof UpgradeProcessorInternal http2) {
				closeHttp2IfDone(http2, now, idleMillis);
			}
			else if (connection instanceof NioSocketWrapper wrapper && isIdle(wrapper, now, idleMillis)) {
				closeIfIdle(wrapper, idleMillis);
			}
		}
		return getOpenConnections();
	}

	/**
	 * Tell an HTTP/2 connection to go, and have Tomcat close it once it has had no stream
	 * for {@code idleMillis}.
	 * <p>
	 * Closing the listener sent {@code GOAWAY} on the HTTP/2 connections open then; one
	 * upgraded since gets it here (pausing is done once per connection). Tomcat then
	 * finishes the streams in progress but leaves the connection open until its client
	 * closes it or, once no stream is left, until Tomcat's HTTP/2 keep-alive timeout
	 * (20 s by default) has passed, which it checks by asking the connection whether its
	 * time has come. Asked as if it were that timeout less {@code idleMillis} later, a
	 * connection closes (with its last {@code GOAWAY}) once it has had no stream for
	 * {@code idleMillis}; one with a stream in progress has no timeout at all.
	 * <p>
	 * The processor of an upgraded connection is internal to Tomcat for HTTP/2 only:
	 * WebSocket's is external.
	 */
	private void closeHttp2IfDone(Processor http2, long now, long idleMillis) {
		http2.pause();
		long keepAliveTimeout = this.http2KeepAliveTimeout.getAsLong();
		// A shorter keep-alive timeout closes the connection sooner by itself
		if (keepAliveTimeout > idleMillis) {
			http2.timeoutAsync(now + keepAliveTimeout - idleMillis);
		}
	}

	/**
	 * Set how Tomcat's HTTP/2 keep-alive timeout is found, in milliseconds ({@code -1}
	 * without HTTP/2 or without timeout).
	 * @param http2KeepAliveTimeout the keep-alive timeout of the HTTP/2 upgrade protocol
	 */
	void setHttp2KeepAliveTimeout(LongSupplier http2KeepAliveTimeout) {
		this.http2KeepAliveTimeout = http2KeepAliveTimeout;
	}

	/**
	 * The number of connections this endpoint holds open.
	 * @return the open connections
	 */
	public int getOpenConnections() {
		return this.connections.size();
	}

	private void closeIfIdle(NioSocketWrapper wrapper, long idleMillis) {
		// Processing holds the lock: a connection that is busy is left for the next round
		Lock lock = wrapper.getLock();
		if (lock.tryLock()) {
			try {
				if (!wrapper.isClosed() && isIdle(wrapper, System.currentTimeMillis(), idleMillis)) {
					wrapper.close();
				}
			}
			finally {
				lock.unlock();
			}
		}
	}

	/**
	 * Whether a connection waits for a next request and has done so long enough: no
	 * processor holds it (an idle keep-alive connection releases its processor), the
	 * poller watches it for data (so no read is being dispatched right now), and nothing
	 * was read or written for {@code idleMillis}.
	 */
	private static boolean isIdle(NioSocketWrapper wrapper, long now, long idleMillis) {
		return wrapper.getCurrentProcessor() == null && wrapper.interestOpsHas(SelectionKey.OP_READ)
				&& now - Math.max(wrapper.getLastRead(), wrapper.getLastWrite()) >= idleMillis;
	}

	private static void awaitAcceptor(BooleanSupplier done) {
		long deadline = System.nanoTime() + ACCEPTOR_WAIT_NANOS;
		while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	protected void doCloseServerSocket() throws IOException {
		if (this.delegated) {
			super.doCloseServerSocket();
			return;
		}
		ServerSocketChannel channel = this.serverSocket;
		Selector selector = this.acceptSelector;
		this.serverSocket = null;
		this.acceptSelector = null;
		try {
			if (channel != null) {
				channel.close();
			}
		}
		finally {
			if (selector != null) {
				selector.close();
			}
		}
	}

}
