package io.clusterboot.internal.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A worker's end of the channel to its master. Reads on one daemon thread and writes on
 * another, so that {@link #send} never blocks its caller: when the master stops reading,
 * frames are refused rather than queued without bound.
 *
 * @since 0.1.0
 */
public final class IpcClient implements Closeable {

	private static final Log logger = LogFactory.getLog(IpcClient.class);

	private static final ByteBuffer POISON = ByteBuffer.allocate(0);

	private final SocketChannel channel;

	private final FrameCodec codec;

	private final Listener listener;

	private final BlockingQueue<ByteBuffer> outbound = new ArrayBlockingQueue<>(10_000);

	private final CompletableFuture<Frames.Welcome> welcome = new CompletableFuture<>();

	private volatile boolean closed;

	private final AtomicLong queued = new AtomicLong();

	private final AtomicLong written = new AtomicLong();

	private IpcClient(SocketChannel channel, FrameCodec codec, Listener listener) {
		this.channel = channel;
		this.codec = codec;
		this.listener = listener;
	}

	/**
	 * Connect to the master and introduce this worker.
	 * @param socketPath the master's socket
	 * @param codec the frame codec
	 * @param hello this worker's introduction
	 * @param timeout how long to wait for the master's welcome
	 * @param listener receives frames and the end of the connection
	 * @return the connected client
	 * @throws IOException if the master cannot be reached or does not welcome this worker
	 */
	public static IpcClient connect(Path socketPath, FrameCodec codec, Frames.Hello hello, Duration timeout,
			Listener listener) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.connect(UnixDomainSocketAddress.of(socketPath));
		}
		catch (IOException ex) {
			channel.close();
			throw ex;
		}
		IpcClient client = new IpcClient(channel, codec, listener);
		client.start();
		client.send(hello);
		try {
			client.welcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			client.close();
			throw new IOException("Interrupted while waiting for the master's welcome", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			client.close();
			throw new IOException("The master at " + socketPath + " did not welcome worker " + hello.workerId()
					+ " within " + timeout.toMillis() + "ms", ex);
		}
		return client;
	}

	private void start() {
		Thread reader = new Thread(this::readLoop, "cluster-ipc-reader");
		reader.setDaemon(true);
		reader.start();
		Thread writer = new Thread(this::writeLoop, "cluster-ipc-writer");
		writer.setDaemon(true);
		writer.start();
	}

	/**
	 * The master's welcome.
	 * @return the welcome frame
	 */
	public Frames.Welcome getWelcome() {
		return this.welcome.join();
	}

	/**
	 * The codec this client encodes frames with.
	 * @return the codec
	 */
	public FrameCodec getCodec() {
		return this.codec;
	}

	/**
	 * Queue a frame for the master; never blocks.
	 * @param frame the frame
	 * @return {@code false} if the connection is closed or too many frames are waiting
	 */
	public boolean send(Object frame) {
		if (this.closed) {
			return false;
		}
		if (!this.outbound.offer(this.codec.encode(frame))) {
			return false;
		}
		this.queued.incrementAndGet();
		return true;
	}

	/**
	 * Wait until every frame queued so far has been written to the channel.
	 * @param timeout how long to wait at most
	 * @return {@code true} if they were written in time
	 */
	public boolean flush(Duration timeout) {
		long target = this.queued.get();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.written.get() < target && !this.closed) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return this.written.get() >= target;
	}

	/**
	 * Whether the connection to the master is still open.
	 * @return {@code true} until either side closes it
	 */
	public boolean isConnected() {
		return !this.closed;
	}

	private void readLoop() {
		FrameDecoder decoder = this.codec.newDecoder();
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		String reason = "end of stream";
		try {
			while (this.channel.read(buffer.clear()) >= 0) {
				decoder.decode(buffer.flip(), this::onFrame);
			}
		}
		catch (IOException ex) {
			reason = this.closed ? "closed" : ex.getMessage();
		}
		boolean wasOpen = !this.closed;
		// Before the welcome, connect() reports the failure to its caller instead
		boolean welcomed = this.welcome.isDone();
		close();
		this.welcome.completeExceptionally(new IOException("Connection closed: " + reason));
		if (wasOpen && welcomed) {
			this.listener.onClose(reason);
		}
	}

	private void onFrame(ByteBuffer content) throws MalformedFrameException {
		Object frame = this.codec.decode(content);
		if (frame instanceof Frames.Welcome welcomeFrame) {
			this.welcome.complete(welcomeFrame);
			return;
		}
		try {
			this.listener.onFrame(frame);
		}
		catch (RuntimeException ex) {
			logger.error("Failed to handle " + frame.getClass().getSimpleName() + " from the master", ex);
		}
	}

	private void writeLoop() {
		try {
			while (true) {
				ByteBuffer buffer = this.outbound.take();
				if (buffer == POISON) {
					return;
				}
				while (buffer.hasRemaining()) {
					this.channel.write(buffer);
				}
				this.written.incrementAndGet();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			if (!this.closed) {
				logger.debug("Write to the master failed", ex);
			}
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.outbound.clear();
		this.outbound.offer(POISON);
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

	/**
	 * Receives frames from the master, on the reader thread.
	 */
	public interface Listener {

		/**
		 * Handle a frame from the master.
		 * @param frame the frame
		 */
		void onFrame(Object frame);

		/**
		 * Handle the end of the connection: the master has gone or closed it. Not called
		 * when the connection ends before the master's welcome, nor after {@link #close()}.
		 * @param reason why the connection ended
		 */
		void onClose(String reason);

	}

}
