package io.clusterboot.reuseport;

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

import org.apache.tomcat.util.net.Acceptor;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * A Tomcat {@link NioEndpoint} whose listening socket is bound with
 * {@code SO_REUSEPORT}, so that every worker binds the same port and the kernel spreads
 * connections over them.
 * <p>
 * It also replaces Tomcat's way of waking its acceptor thread. Tomcat connects to its own
 * port to unblock a pending {@code accept()}; with {@code SO_REUSEPORT} that connection
 * may land on another worker, leaving this one stuck for a second and sending a stray
 * connection to a sibling. Here the acceptor waits on a selector that is simply woken up.
 *
 * @since 0.1.0
 */
public class ReusePortNioEndpoint extends NioEndpoint {

	private volatile ServerSocketChannel serverSocket;

	private volatile Selector acceptSelector;

	private volatile boolean unlockRequested;

	private volatile boolean delegated;

	private SocketAddress previousRemoteAddress;

	private long previousAcceptNanos;

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
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
			channel.configureBlocking(false);
			Selector selector = Selector.open();
			channel.register(selector, SelectionKey.OP_ACCEPT);
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
		ServerSocketChannel channel = this.serverSocket;
		Selector selector = this.acceptSelector;
		if (channel == null || selector == null) {
			throw new ClosedChannelException();
		}
		while (true) {
			SocketChannel accepted = channel.accept();
			if (accepted != null) {
				checkDuplicate(accepted);
				return accepted;
			}
			if (this.unlockRequested) {
				this.unlockRequested = false;
				// An unconnected channel: the acceptor, paused or stopping, destroys it
				return SocketChannel.open();
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
		long deadline = System.nanoTime() + 1_000_000_000L;
		while (acceptor.getState() == Acceptor.AcceptorState.RUNNING && System.nanoTime() - deadline < 0) {
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
