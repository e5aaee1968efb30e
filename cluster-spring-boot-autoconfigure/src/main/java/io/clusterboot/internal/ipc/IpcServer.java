package io.clusterboot.internal.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The master's end of the channel to its workers: a Unix domain socket served by one
 * selector thread. A peer must be the same OS user and must open with a {@link Frames.Hello}
 * that the {@link Handler} accepts, within the handshake timeout, or, for an operator's
 * command, with a {@link Frames.ControlHello} the handler accepts; a command's frames stay
 * held to the small size of a first frame. Anything malformed, oversized,
 * unauthenticated or unexpected closes that one connection and is logged; the server and
 * every other connection carry on.
 *
 * @since 0.1.0
 */
public final class IpcServer implements Closeable {

	private static final Log logger = LogFactory.getLog(IpcServer.class);

	/**
	 * Largest first frame an unauthenticated peer may send.
	 */
	static final int HELLO_LIMIT = 1024;

	private static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

	private final Path socketPath;

	private final FrameCodec codec;

	private final Handler handler;

	private final long handshakeTimeoutNanos;

	private final ServerSocketChannel serverChannel;

	private final Selector selector;

	private final UserPrincipal owner;

	private final Queue<Connection> pendingWrites = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	private volatile boolean running = true;

	private IpcServer(Path socketPath, FrameCodec codec, Handler handler, Duration handshakeTimeout)
			throws IOException {
		this.socketPath = socketPath;
		this.codec = codec;
		this.handler = handler;
		this.handshakeTimeoutNanos = handshakeTimeout.toNanos();
		this.owner = Files.getOwner(socketPath.getParent());
		this.serverChannel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.serverChannel.bind(UnixDomainSocketAddress.of(socketPath));
		this.serverChannel.configureBlocking(false);
		this.selector = Selector.open();
		this.serverChannel.register(this.selector, SelectionKey.OP_ACCEPT);
		this.thread = new Thread(this::run, "cluster-ipc");
		this.thread.setDaemon(true);
	}

	/**
	 * Bind the socket and start serving.
	 * @param socketPath where to bind; its directory should be private to this user
	 * @param codec the frame codec
	 * @param handler receives authenticated connections and their frames
	 * @param handshakeTimeout how long a new connection has to send its hello
	 * @return the running server
	 * @throws IOException if the socket cannot be bound
	 */
	public static IpcServer start(Path socketPath, FrameCodec codec, Handler handler, Duration handshakeTimeout)
			throws IOException {
		IpcServer server = new IpcServer(socketPath, codec, handler, handshakeTimeout);
		server.thread.start();
		return server;
	}

	/**
	 * Path of the socket workers connect to.
	 * @return the socket path
	 */
	public Path getSocketPath() {
		return this.socketPath;
	}

	private void run() {
		while (this.running) {
			try {
				this.selector.select(250);
				Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					handle(key);
				}
				Connection connection;
				while ((connection = this.pendingWrites.poll()) != null) {
					try {
						connection.flush();
					}
					catch (IOException ex) {
						connection.close("I/O error: " + ex.getMessage());
					}
				}
				closeSilentPeers();
			}
			catch (IOException | RuntimeException ex) {
				if (this.running) {
					logger.error("IPC server loop failed; carrying on", ex);
				}
			}
		}
	}

	private void handle(SelectionKey key) throws IOException {
		if (!key.isValid()) {
			return;
		}
		if (key.isAcceptable()) {
			accept();
			return;
		}
		Connection connection = (Connection) key.attachment();
		try {
			if (key.isReadable()) {
				connection.read();
			}
			if (key.isValid() && key.isWritable()) {
				connection.flush();
			}
		}
		catch (MalformedFrameException ex) {
			connection.close("protocol error: " + ex.getMessage());
		}
		catch (IOException ex) {
			connection.close("I/O error: " + ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.error("Failed to handle a frame from " + connection + "; closing it", ex);
			connection.close("internal error: " + ex);
		}
	}

	private void accept() throws IOException {
		SocketChannel channel = this.serverChannel.accept();
		if (channel == null) {
			return;
		}
		String user = peerUser(channel);
		if (user == null || !user.equals(this.owner.getName())) {
			logger.warn("Refused IPC connection from OS user " + user + "; only " + this.owner.getName()
					+ " may connect");
			channel.close();
			return;
		}
		channel.configureBlocking(false);
		Connection connection = new Connection(channel);
		connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
	}

	private static @Nullable String peerUser(SocketChannel channel) {
		try {
			UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
			return principal.user().getName();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return null;
		}
	}

	private void closeSilentPeers() {
		long now = System.nanoTime();
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof Connection connection && connection.attachment == null
					&& now - connection.openedAt > this.handshakeTimeoutNanos) {
				connection.close("no hello within " + Duration.ofNanos(this.handshakeTimeoutNanos).toMillis() + "ms");
			}
		}
	}

	@Override
	public synchronized void close() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof Connection connection) {
				connection.closeChannel();
			}
		}
		closeQuietly(this.serverChannel);
		closeQuietly(this.selector);
		try {
			Files.deleteIfExists(this.socketPath);
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + this.socketPath, ex);
		}
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Closing on the way out; nothing to do
		}
	}

	/**
	 * Receives what happens on the server's connections, always on the server's thread.
	 */
	public interface Handler {

		/**
		 * Decide whether a peer is who it claims to be.
		 * @param connection the new connection
		 * @param hello the peer's first frame
		 * @return an attachment (typically the worker) to accept the peer, or {@code null}
		 * to refuse it
		 */
		@Nullable Object authenticate(IpcPeer connection, Frames.Hello hello);

		/**
		 * Decide whether to serve an operator's command, a peer of the master's own OS
		 * user that opened with a {@link Frames.ControlHello}. Refuses it unless
		 * overridden.
		 * @param connection the new connection
		 * @param hello the command's first frame
		 * @return an attachment to accept the command, or {@code null} to refuse it
		 */
		default @Nullable Object authenticateControl(IpcPeer connection, Frames.ControlHello hello) {
			return null;
		}

		/**
		 * Handle a frame from an authenticated peer.
		 * @param connection the connection
		 * @param frame the frame
		 * @throws MalformedFrameException if the frame is not acceptable from this peer
		 */
		void onFrame(IpcPeer connection, Object frame) throws MalformedFrameException;

		/**
		 * Handle the end of an authenticated connection.
		 * @param connection the connection
		 * @param reason why it closed
		 */
		void onClose(IpcPeer connection, String reason);

	}

	/**
	 * One worker's connection.
	 */
	public final class Connection implements IpcPeer {

		private final SocketChannel channel;

		private final FrameDecoder decoder = IpcServer.this.codec.newDecoder();

		private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);

		private final Queue<ByteBuffer> outbound = new ConcurrentLinkedQueue<>();

		private final AtomicLong queuedBytes = new AtomicLong();

		private final long openedAt = System.nanoTime();

		private @Nullable SelectionKey key;

		private volatile @Nullable Object attachment;

		private volatile boolean closed;

		Connection(SocketChannel channel) {
			this.channel = channel;
			this.decoder.setLimit(Math.min(HELLO_LIMIT, IpcServer.this.codec.maxFrameSize()));
		}

		@Override
		public @Nullable Object getAttachment() {
			return this.attachment;
		}

		/**
		 * Whether the connection is closed.
		 * @return {@code true} once closed
		 */
		public boolean isClosed() {
			return this.closed;
		}

		@Override
		public boolean send(Object frame) {
			if (this.closed) {
				return false;
			}
			ByteBuffer bytes;
			try {
				bytes = IpcServer.this.codec.encode(frame);
			}
			catch (FrameCodec.FrameTooLargeException ex) {
				logger.warn("Dropped a " + frame.getClass().getSimpleName() + " frame to " + this.attachment + ": "
						+ ex.getMessage());
				return false;
			}
			return sendEncoded(bytes);
		}

		@Override
		public boolean sendEncoded(ByteBuffer bytes) {
			if (this.closed) {
				return false;
			}
			if (this.queuedBytes.addAndGet(bytes.remaining()) > MAX_QUEUED_BYTES) {
				this.queuedBytes.addAndGet(-bytes.remaining());
				logger.warn("Dropped a frame to " + this.attachment + ": it has " + MAX_QUEUED_BYTES
						+ " bytes waiting unread");
				return false;
			}
			this.outbound.add(bytes);
			IpcServer.this.pendingWrites.add(this);
			IpcServer.this.selector.wakeup();
			return true;
		}

		@Override
		public void close() {
			if (Thread.currentThread() == IpcServer.this.thread) {
				close("closed by the master");
			}
			else {
				this.closed = true;
				IpcServer.this.pendingWrites.add(this);
				IpcServer.this.selector.wakeup();
			}
		}

		private void read() throws IOException {
			this.readBuffer.clear();
			int count = this.channel.read(this.readBuffer);
			if (count < 0) {
				close("end of stream");
				return;
			}
			this.decoder.decode(this.readBuffer.flip(), this::onFrame);
		}

		private void onFrame(ByteBuffer content) throws MalformedFrameException {
			if (this.closed) {
				return;
			}
			Object frame = IpcServer.this.codec.decode(content);
			if (this.attachment == null) {
				Object attachment;
				if (frame instanceof Frames.Hello hello) {
					attachment = IpcServer.this.handler.authenticate(this, hello);
				}
				else if (frame instanceof Frames.ControlHello hello) {
					attachment = IpcServer.this.handler.authenticateControl(this, hello);
				}
				else {
					throw new MalformedFrameException("expected a hello, got " + frame.getClass().getSimpleName());
				}
				if (attachment == null) {
					close("refused " + frame);
					return;
				}
				this.attachment = attachment;
				if (frame instanceof Frames.Hello) {
					// A command only ever sends small requests: it stays held to the hello's limit
					this.decoder.setLimit(IpcServer.this.codec.maxFrameSize());
				}
				return;
			}
			IpcServer.this.handler.onFrame(this, frame);
		}

		private void flush() throws IOException {
			if (this.closed) {
				close("closed by the master");
				return;
			}
			ByteBuffer buffer;
			while ((buffer = this.outbound.peek()) != null) {
				try {
					this.channel.write(buffer);
				}
				catch (ClosedChannelException ex) {
					return;
				}
				if (buffer.hasRemaining()) {
					this.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
					return;
				}
				this.outbound.poll();
				this.queuedBytes.addAndGet(-buffer.limit());
			}
			if (this.key.isValid()) {
				this.key.interestOps(SelectionKey.OP_READ);
			}
		}

		private void close(String reason) {
			boolean wasOpen = this.channel.isOpen();
			this.closed = true;
			closeChannel();
			if (!wasOpen) {
				return;
			}
			if (this.attachment != null) {
				IpcServer.this.handler.onClose(this, reason);
			}
			else {
				logger.warn("Closed unauthenticated IPC connection: " + reason);
			}
		}

		private void closeChannel() {
			if (this.key != null) {
				this.key.cancel();
			}
			closeQuietly(this.channel);
		}

		@Override
		public String toString() {
			return "IPC connection of " + ((this.attachment != null) ? this.attachment : "an unauthenticated peer");
		}

	}

}
