package io.clusterboot.server.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One public listening socket whose connections are handed round-robin to the workers'
 * private loopback ports, with the bytes copied both ways at the TCP level: Node's
 * {@code SCHED_RR}. Nothing is parsed, so HTTP/1.1, h2c, WebSocket and TLS pass through
 * untouched; with {@code sendProxyHeader} each worker connection starts with a
 * {@link ProxyProtocol} header naming the client.
 * <p>
 * All I/O runs on one selector thread named {@code cluster-proxy-<name>}; there is no
 * thread per connection. Each direction of a connection holds at most one buffer of 32 KiB,
 * taken from a small pool only while it holds bytes the other side has not taken yet, and
 * a side is not read while its bytes wait: a slow reader slows its writer down through TCP
 * instead of filling the master's memory.
 * <p>
 * While no worker is routed the proxy does not accept: connections wait in the kernel's
 * accept backlog, as Node's round-robin scheduler holds them until a worker is free, and
 * are accepted as soon as a worker is routed. A connection accepted while workers are
 * routed but none of them accepts a connection (each is tried at most once, which is safe
 * because no byte of the client has been sent yet) is closed, never held.
 * <p>
 * This is why proxy mode loses nothing in a rolling restart, even with
 * {@code net.ipv4.tcp_migrate_req=0}: the master {@link #stopRouting(long) stops routing}
 * to a worker before the worker drains, so by the time the worker closes its private
 * listening socket no new connection is on its way there, and there is nothing in its
 * accept queue for the kernel to reset. The connections the worker already has carry on
 * until it closes them, as its drain does once each is idle. Connections that arrive
 * meanwhile wait in the master's own backlog or go to the other workers.
 * <p>
 * Thread-safe: {@link #route}, {@link #stopRouting}, {@link #stats} and {@link #close} may
 * be called from any thread.
 *
 * @since 0.1.0
 */
public final class ConnectionProxy implements Closeable {

	private static final Log logger = LogFactory.getLog(ConnectionProxy.class);

	/**
	 * Size of the buffer of one direction of one connection.
	 */
	static final int BUFFER_SIZE = 32 * 1024;

	/**
	 * How many buffers one side may read in a row while the other side takes them all.
	 */
	private static final int READS_AT_ONCE = 4;

	/**
	 * How many free buffers the pool keeps for the next connections.
	 */
	private static final int MAX_POOLED_BUFFERS = 32;

	/**
	 * How many connections one wake-up of the selector accepts, so that a flood of new
	 * connections cannot starve the open ones.
	 */
	private static final int MAX_ACCEPTS_AT_ONCE = 64;

	/**
	 * How long accepting pauses after accept fails (out of file descriptors, say), instead
	 * of failing again at once on the same waiting connection.
	 */
	private static final long ACCEPT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	private final String name;

	private final ServerSocketChannel server;

	private final int port;

	private final Selector selector;

	private final SelectionKey serverKey;

	private final boolean sendProxyHeader;

	private final long connectTimeoutNanos;

	private final Thread thread;

	private volatile boolean closed;

	// ---------------------------------------------------------------- routing, any thread

	private final Object routingLock = new Object();

	/**
	 * The workers routed or with connections, by pid; changed under {@link #routingLock},
	 * read without it.
	 */
	private final Map<Long, Worker> workers = new ConcurrentHashMap<>();

	/**
	 * The routed workers in the order they were routed; changed under {@link #routingLock}.
	 */
	private final List<Worker> routingOrder = new ArrayList<>();

	private volatile Worker[] routed = new Worker[0];

	// ---------------------------------------------------------------- selector thread only

	private final Set<Connection> connections = new HashSet<>();

	/**
	 * The connections whose worker connection is being made, oldest attempt first.
	 */
	private final Set<Connection> connecting = new LinkedHashSet<>();

	private final ArrayDeque<ByteBuffer> freeBuffers = new ArrayDeque<>();

	private int nextWorker;

	private long acceptPausedUntil;

	private boolean acceptPaused;

	private long acceptFailures;

	/**
	 * Connections closed in a row because no routed worker accepted them.
	 */
	private long unserved;

	private volatile long bufferedBytes;

	private ConnectionProxy(String name, ServerSocketChannel server, Selector selector, boolean sendProxyHeader,
			Duration connectTimeout) throws IOException {
		this.name = name;
		this.server = server;
		this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
		this.selector = selector;
		this.serverKey = server.register(selector, 0);
		this.sendProxyHeader = sendProxyHeader;
		this.connectTimeoutNanos = connectTimeout.toNanos();
		this.thread = new Thread(this::run, "cluster-proxy-" + name);
		this.thread.setDaemon(true);
	}

	/**
	 * Bind a listening socket and start relaying its connections. The socket is bound
	 * plainly (with {@code SO_REUSEADDR}, as servers do, and without {@code SO_REUSEPORT}),
	 * and accepts nothing until a worker is {@link #route routed}.
	 * @param name the name of the proxy, part of its thread's name
	 * @param address the address to bind, or {@code null} for the wildcard address
	 * @param port the port to bind, or 0 for any free port
	 * @param backlog the length of the accept queue
	 * @param sendProxyHeader whether each worker connection starts with a
	 * {@link ProxyProtocol} header naming the client
	 * @return the proxy, bound and running
	 * @throws java.net.BindException if the port is taken
	 * @throws IOException if the socket cannot be opened or bound
	 */
	public static ConnectionProxy open(String name, @Nullable InetAddress address, int port, int backlog,
			boolean sendProxyHeader) throws IOException {
		return open(name, address, port, backlog, sendProxyHeader, DEFAULT_CONNECT_TIMEOUT);
	}

	static ConnectionProxy open(String name, @Nullable InetAddress address, int port, int backlog,
			boolean sendProxyHeader, Duration connectTimeout) throws IOException {
		ServerSocketChannel server = ServerSocketChannel.open();
		Selector selector = null;
		try {
			server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			server.bind(new InetSocketAddress(address, port), backlog);
			server.configureBlocking(false);
			selector = Selector.open();
			ConnectionProxy proxy = new ConnectionProxy(name, server, selector, sendProxyHeader, connectTimeout);
			proxy.thread.start();
			return proxy;
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(selector);
			closeQuietly(server);
			throw ex;
		}
	}

	/**
	 * The port the proxy listens on.
	 * @return the bound port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Start handing new connections to a worker, after the workers already routed. Routing
	 * a pid again only updates its address; once the proxy is closed this does nothing.
	 * @param pid the worker's process id
	 * @param backend the worker's private address and port
	 */
	public void route(long pid, InetSocketAddress backend) {
		synchronized (this.routingLock) {
			if (this.closed) {
				return;
			}
			Worker worker = this.workers.computeIfAbsent(pid, Worker::new);
			worker.address = backend;
			if (!worker.routed) {
				worker.routed = true;
				this.routingOrder.add(worker);
				this.routed = this.routingOrder.toArray(new Worker[0]);
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Proxy " + this.name + " routes connections to pid " + pid + " at " + backend);
		}
		this.selector.wakeup();
	}

	/**
	 * Stop handing new connections to a worker. Its open connections carry on until either
	 * side closes them, and so does a connection already on its way to it (on the loopback
	 * interface, a matter of microseconds). A pid that is not routed is ignored.
	 * @param pid the worker's process id
	 */
	public void stopRouting(long pid) {
		synchronized (this.routingLock) {
			Worker worker = this.workers.get(pid);
			if (worker == null || !worker.routed) {
				return;
			}
			worker.routed = false;
			this.routingOrder.remove(worker);
			this.routed = this.routingOrder.toArray(new Worker[0]);
			forgetIfIdle(worker);
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Proxy " + this.name + " no longer routes new connections to pid " + pid);
		}
		this.selector.wakeup();
	}

	/**
	 * What the proxy did for each worker that is routed or still has open connections.
	 * @return the figures by pid, in pid order
	 */
	public Map<Long, ProxyStats> stats() {
		Map<Long, ProxyStats> stats = new TreeMap<>();
		for (Worker worker : this.workers.values()) {
			stats.put(worker.pid, new ProxyStats(worker.open, worker.handedOver));
		}
		return Collections.unmodifiableMap(stats);
	}

	/**
	 * The size of the buffers connections hold right now: a buffer is held from a read
	 * until the other side has taken all its bytes, so this is what backpressure bounds.
	 * @return the bytes of the buffers in use, not counting free ones kept for reuse
	 */
	long bufferedBytes() {
		return this.bufferedBytes;
	}

	/**
	 * Stop accepting, close the listening socket, reset every connection and end the
	 * proxy's thread, waiting a second at most for it. Calling it again does nothing.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.selector.wakeup();
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	boolean isRunning() {
		return this.thread.isAlive();
	}

	private void forgetIfIdle(Worker worker) {
		if (!worker.routed && worker.open == 0 && worker.connecting == 0) {
			this.workers.remove(worker.pid, worker);
		}
	}

	// ---------------------------------------------------------------- the selector loop

	private void run() {
		try {
			while (!this.closed) {
				try {
					updateAccepting();
					this.selector.select(this::handle, selectTimeoutMillis());
					expireConnects();
				}
				catch (IOException | RuntimeException ex) {
					logger.warn("Proxy " + this.name + " on port " + this.port + " failed in its loop; it carries on",
							ex);
					pause();
				}
			}
		}
		finally {
			shutdown();
		}
	}

	private void handle(SelectionKey key) {
		if (key == this.serverKey) {
			try {
				accept();
			}
			catch (RuntimeException ex) {
				logger.warn("Proxy " + this.name + " on port " + this.port + " failed to accept a connection", ex);
			}
			return;
		}
		Connection connection = (Connection) key.attachment();
		try {
			connection.handle(key);
		}
		catch (IOException ex) {
			connection.abort(ex);
		}
		catch (RuntimeException ex) {
			logger.warn("Proxy " + this.name + " failed to relay a connection from " + connection.clientAddress
					+ "; it is closed: " + ex);
			connection.abort(ex);
		}
	}

	private void updateAccepting() {
		if (this.acceptPaused && System.nanoTime() - this.acceptPausedUntil >= 0) {
			this.acceptPaused = false;
		}
		int ops = (this.routed.length > 0 && !this.acceptPaused) ? SelectionKey.OP_ACCEPT : 0;
		if (this.serverKey.interestOps() != ops) {
			this.serverKey.interestOps(ops);
		}
	}

	private long selectTimeoutMillis() {
		long now = System.nanoTime();
		long wait = Long.MAX_VALUE;
		if (this.acceptPaused) {
			wait = this.acceptPausedUntil - now;
		}
		if (!this.connecting.isEmpty()) {
			wait = Math.min(wait, this.connecting.iterator().next().connectDeadline - now);
		}
		if (wait == Long.MAX_VALUE) {
			return 0;
		}
		return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
	}

	private void accept() {
		for (int i = 0; i < MAX_ACCEPTS_AT_ONCE; i++) {
			Worker[] candidates = this.routed;
			if (candidates.length == 0) {
				// Leave the connection in the backlog until a worker is routed
				this.serverKey.interestOps(0);
				return;
			}
			SocketChannel client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				acceptFailed(ex);
				return;
			}
			if (client == null) {
				return;
			}
			if (this.acceptFailures > 0) {
				logger.info("Proxy " + this.name + " on port " + this.port + " accepts connections again after "
						+ this.acceptFailures + " failed attempts");
				this.acceptFailures = 0;
			}
			Connection connection = new Connection(client, candidates, this.nextWorker++);
			try {
				connection.accepted();
			}
			catch (IOException ex) {
				connection.abort(ex);
				continue;
			}
			this.connections.add(connection);
			connectNext(connection);
		}
	}

	private void acceptFailed(IOException ex) {
		this.acceptFailures++;
		if (this.acceptFailures == 1) {
			logger.warn("Proxy " + this.name + " on port " + this.port + " failed to accept a connection ("
					+ describe(ex) + "); it pauses accepting for 100ms after each failure until one succeeds");
		}
		this.acceptPaused = true;
		this.acceptPausedUntil = System.nanoTime() + ACCEPT_PAUSE_NANOS;
		this.serverKey.interestOps(0);
	}

	/**
	 * Connect the connection to the next routed worker it has not tried yet, or close it if
	 * there is none.
	 */
	private void connectNext(Connection connection) {
		Worker[] candidates = connection.candidates;
		while (connection.tried < candidates.length) {
			Worker worker = candidates[(connection.first + connection.tried) % candidates.length];
			connection.tried++;
			if (!worker.routed) {
				continue;
			}
			InetSocketAddress address = worker.address;
			boolean connected;
			try {
				connected = connection.connect(worker, address);
			}
			catch (IOException ex) {
				connectFailed(connection, ex);
				continue;
			}
			if (connected) {
				try {
					connected(connection, worker);
				}
				catch (IOException ex) {
					connection.abort(ex);
				}
			}
			return;
		}
		connection.close();
		this.unserved++;
		if (this.unserved == 1) {
			logger.warn("Proxy " + this.name + " closed a connection from " + connection.clientAddress
					+ ": none of the " + candidates.length + " routed workers accepted it"
					+ "; further connections closed for this reason are counted until a worker accepts one again");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Proxy " + this.name + " closed a connection from " + connection.clientAddress
					+ ": no routed worker accepted it");
		}
	}

	private void connectFailed(Connection connection, Exception ex) {
		Worker worker = connection.worker;
		InetSocketAddress address = connection.workerAddress;
		connection.attemptFailed();
		if (worker == null) {
			return;
		}
		worker.failures++;
		if (worker.failures == 1) {
			logger.warn("Proxy " + this.name + " could not connect to worker pid " + worker.pid + " at " + address
					+ " (" + describe(ex) + "); the connection goes to the next routed worker"
					+ ", and further failures for this worker are counted until it accepts a connection again");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Proxy " + this.name + " could not connect to worker pid " + worker.pid + " at " + address
					+ " (" + describe(ex) + ")");
		}
	}

	private void connected(Connection connection, Worker worker) throws IOException {
		synchronized (this.routingLock) {
			worker.connecting--;
			worker.open++;
			worker.handedOver++;
		}
		if (worker.failures > 0) {
			logger.info("Proxy " + this.name + " connects to worker pid " + worker.pid + " again after "
					+ worker.failures + " failed attempts");
			worker.failures = 0;
		}
		if (this.unserved > 1) {
			logger.info("Proxy " + this.name + " hands connections to workers again; it closed " + this.unserved
					+ " connections that no routed worker accepted");
		}
		this.unserved = 0;
		connection.relay();
	}

	private void expireConnects() {
		if (this.connecting.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		List<Connection> expired = new ArrayList<>();
		for (Connection connection : this.connecting) {
			if (now - connection.connectDeadline < 0) {
				break;
			}
			expired.add(connection);
		}
		for (Connection connection : expired) {
			connectFailed(connection, new ConnectException(
					"timed out after " + TimeUnit.NANOSECONDS.toMillis(this.connectTimeoutNanos) + "ms"));
			connectNext(connection);
		}
	}

	private void pause() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void shutdown() {
		for (Connection connection : new ArrayList<>(this.connections)) {
			connection.reset();
		}
		closeQuietly(this.server);
		closeQuietly(this.selector);
		this.freeBuffers.clear();
		synchronized (this.routingLock) {
			this.routingOrder.clear();
			this.routed = new Worker[0];
			this.workers.clear();
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Proxy " + this.name + " on port " + this.port + " closed");
		}
	}

	// ---------------------------------------------------------------- buffers

	private ByteBuffer takeBuffer() {
		ByteBuffer buffer = this.freeBuffers.pollFirst();
		if (buffer == null) {
			buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
		}
		this.bufferedBytes += BUFFER_SIZE;
		return buffer.clear();
	}

	private void giveBack(ByteBuffer buffer) {
		this.bufferedBytes -= BUFFER_SIZE;
		if (this.freeBuffers.size() < MAX_POOLED_BUFFERS) {
			this.freeBuffers.addFirst(buffer);
		}
	}

	private static String describe(Exception ex) {
		return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
	}

	private static void closeQuietly(@Nullable Closeable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (IOException ex) {
				// Nothing left to do with it
			}
		}
	}

	/**
	 * A worker the proxy routes to or still has connections to.
	 */
	private static final class Worker {

		private final long pid;

		private volatile InetSocketAddress address;

		/**
		 * Whether new connections go to this worker; changed under the routing lock.
		 */
		private volatile boolean routed;

		/**
		 * Connections open to this worker; changed under the routing lock.
		 */
		private volatile int open;

		/**
		 * Connections handed to this worker in total; changed under the routing lock.
		 */
		private volatile long handedOver;

		/**
		 * Connections to this worker being made; changed under the routing lock.
		 */
		private int connecting;

		/**
		 * Failed connection attempts since the last one that succeeded; selector thread only.
		 */
		private long failures;

		Worker(long pid) {
			this.pid = pid;
			this.address = new InetSocketAddress(0);
		}

	}

	/**
	 * One direction of a connection: the bytes read from one side and not yet written to the
	 * other.
	 */
	private static final class Direction {

		private final SocketChannel source;

		private final SocketChannel sink;

		/**
		 * The bytes waiting for the sink, ready to be written; {@code null} when there are
		 * none.
		 */
		private @Nullable ByteBuffer pending;

		private boolean ended;

		private boolean shutDown;

		Direction(SocketChannel source, SocketChannel sink) {
			this.source = source;
			this.sink = sink;
		}

		boolean wantsRead() {
			return !this.ended && this.pending == null;
		}

	}

	/**
	 * A client connection and, once a worker accepted it, the connection to that worker.
	 */
	private final class Connection {

		private final SocketChannel client;

		private final Worker[] candidates;

		private final int first;

		private int tried;

		private @Nullable InetSocketAddress clientAddress;

		private @Nullable InetSocketAddress localAddress;

		private @Nullable Worker worker;

		private @Nullable InetSocketAddress workerAddress;

		private @Nullable SocketChannel backend;

		private @Nullable SelectionKey clientKey;

		private @Nullable SelectionKey backendKey;

		private long connectDeadline;

		private @Nullable Direction toWorker;

		private @Nullable Direction toClient;

		private boolean closed;

		Connection(SocketChannel client, Worker[] candidates, int next) {
			this.client = client;
			this.candidates = candidates;
			this.first = Math.floorMod(next, candidates.length);
		}

		void accepted() throws IOException {
			this.clientAddress = (InetSocketAddress) this.client.getRemoteAddress();
			this.localAddress = (InetSocketAddress) this.client.getLocalAddress();
			this.client.configureBlocking(false);
			this.client.setOption(StandardSocketOptions.TCP_NODELAY, true);
		}

		/**
		 * Start connecting to a worker.
		 * @return whether the connection was made at once
		 */
		boolean connect(Worker worker, InetSocketAddress address) throws IOException {
			synchronized (ConnectionProxy.this.routingLock) {
				worker.connecting++;
			}
			this.worker = worker;
			this.workerAddress = address;
			SocketChannel backend = SocketChannel.open();
			this.backend = backend;
			backend.configureBlocking(false);
			backend.setOption(StandardSocketOptions.TCP_NODELAY, true);
			if (backend.connect(address)) {
				return true;
			}
			this.backendKey = backend.register(ConnectionProxy.this.selector, SelectionKey.OP_CONNECT, this);
			this.connectDeadline = System.nanoTime() + ConnectionProxy.this.connectTimeoutNanos;
			ConnectionProxy.this.connecting.add(this);
			return false;
		}

		/**
		 * Forget a failed attempt to connect to a worker, so that the next one can be made.
		 */
		void attemptFailed() {
			ConnectionProxy.this.connecting.remove(this);
			closeQuietly(this.backend);
			this.backend = null;
			this.backendKey = null;
			Worker worker = this.worker;
			this.worker = null;
			this.workerAddress = null;
			if (worker != null) {
				synchronized (ConnectionProxy.this.routingLock) {
					worker.connecting--;
					forgetIfIdle(worker);
				}
			}
		}

		void relay() throws IOException {
			SocketChannel backend = this.backend;
			Selector selector = ConnectionProxy.this.selector;
			this.toWorker = new Direction(this.client, backend);
			this.toClient = new Direction(backend, this.client);
			this.clientKey = this.client.register(selector, 0, this);
			if (this.backendKey == null) {
				this.backendKey = backend.register(selector, 0, this);
			}
			if (ConnectionProxy.this.sendProxyHeader) {
				ByteBuffer buffer = takeBuffer();
				buffer.put(ProxyProtocol.header(this.clientAddress, this.localAddress)).flip();
				this.toWorker.pending = buffer;
				write(this.toWorker);
			}
			updateInterest();
		}

		void handle(SelectionKey key) throws IOException {
			if (this.closed || !key.isValid()) {
				return;
			}
			if (this.toWorker == null || this.toClient == null) {
				if (key.isConnectable()) {
					finishConnect();
				}
				return;
			}
			boolean fromClient = key.channel() == this.client;
			if (key.isReadable()) {
				Direction direction = fromClient ? this.toWorker : this.toClient;
				for (int i = 0; i < READS_AT_ONCE && read(direction); i++) {
					// A bulk transfer takes fewer trips through the selector
				}
			}
			if (!this.closed && key.isValid() && key.isWritable()) {
				write(fromClient ? this.toClient : this.toWorker);
			}
			if (this.closed) {
				return;
			}
			if (this.toWorker.shutDown && this.toClient.shutDown) {
				close();
			}
			else {
				updateInterest();
			}
		}

		private void finishConnect() throws IOException {
			Worker worker = this.worker;
			try {
				if (!this.backend.finishConnect()) {
					return;
				}
			}
			catch (IOException ex) {
				connectFailed(this, ex);
				connectNext(this);
				return;
			}
			ConnectionProxy.this.connecting.remove(this);
			connected(this, worker);
		}

		/**
		 * Read what the source has and pass it on as far as the sink takes it.
		 * @return whether the source may have more and the sink may take it
		 */
		private boolean read(Direction direction) throws IOException {
			ByteBuffer buffer = takeBuffer();
			int read;
			try {
				read = direction.source.read(buffer);
			}
			catch (IOException ex) {
				giveBack(buffer);
				throw ex;
			}
			if (read > 0) {
				direction.pending = buffer.flip();
				write(direction);
				return read == BUFFER_SIZE && direction.pending == null;
			}
			giveBack(buffer);
			if (read < 0) {
				direction.ended = true;
				shutDownSink(direction);
			}
			return false;
		}

		private void write(Direction direction) throws IOException {
			ByteBuffer pending = direction.pending;
			if (pending == null) {
				return;
			}
			direction.sink.write(pending);
			if (!pending.hasRemaining()) {
				direction.pending = null;
				giveBack(pending);
				if (direction.ended) {
					shutDownSink(direction);
				}
			}
		}

		private void shutDownSink(Direction direction) throws IOException {
			if (!direction.shutDown && direction.pending == null) {
				direction.sink.shutdownOutput();
				direction.shutDown = true;
			}
		}

		private void updateInterest() {
			this.clientKey.interestOps((this.toWorker.wantsRead() ? SelectionKey.OP_READ : 0)
					| ((this.toClient.pending != null) ? SelectionKey.OP_WRITE : 0));
			this.backendKey.interestOps((this.toClient.wantsRead() ? SelectionKey.OP_READ : 0)
					| ((this.toWorker.pending != null) ? SelectionKey.OP_WRITE : 0));
		}

		/**
		 * Close both sides after a failure, resetting them so that each peer learns the
		 * connection broke rather than ended.
		 */
		void abort(Exception ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Proxy " + ConnectionProxy.this.name + " closes the connection from "
						+ this.clientAddress + ((this.workerAddress != null) ? " to " + this.workerAddress : "")
						+ ": " + describe(ex));
			}
			reset();
		}

		void reset() {
			lingerZero(this.client);
			if (this.toWorker != null) {
				lingerZero(this.backend);
			}
			close();
		}

		private void lingerZero(@Nullable SocketChannel channel) {
			if (channel != null && channel.isOpen()) {
				try {
					channel.setOption(StandardSocketOptions.SO_LINGER, 0);
				}
				catch (IOException ex) {
					// Closed anyway
				}
			}
		}

		void close() {
			if (this.closed) {
				return;
			}
			this.closed = true;
			ConnectionProxy.this.connections.remove(this);
			ConnectionProxy.this.connecting.remove(this);
			closeQuietly(this.client);
			closeQuietly(this.backend);
			for (Direction direction : new Direction[] { this.toWorker, this.toClient }) {
				if (direction != null && direction.pending != null) {
					giveBack(direction.pending);
					direction.pending = null;
				}
			}
			Worker worker = this.worker;
			if (worker != null) {
				synchronized (ConnectionProxy.this.routingLock) {
					if (this.toWorker != null) {
						worker.open--;
					}
					else {
						worker.connecting--;
					}
					forgetIfIdle(worker);
				}
			}
		}

	}

}
