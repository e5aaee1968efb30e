package io.clusterboot.internal.ipc;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * An operator's command's end of the channel to a master: opens with a
 * {@link Frames.ControlHello}, then sends requests and takes the master's frames one at
 * a time, blocking, as a command that does one thing and exits needs. Frames are read on
 * a daemon thread so that every wait can be bounded.
 *
 * @since 0.1.0
 */
public final class ControlConnection implements Closeable {

	private final SocketChannel channel;

	private final FrameCodec codec;

	private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

	private volatile boolean closed;

	private ControlConnection(SocketChannel channel, FrameCodec codec) {
		this.channel = channel;
		this.codec = codec;
	}

	/**
	 * Connect to a master's socket and introduce this command.
	 * @param socket the master's socket
	 * @param codec the frame codec
	 * @return the connection, the master's {@link Frames.ControlWelcome} still to be
	 * {@link #receive received}
	 * @throws IOException if nothing listens on the socket
	 */
	public static ControlConnection open(Path socket, FrameCodec codec) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.connect(UnixDomainSocketAddress.of(socket));
		}
		catch (IOException ex) {
			channel.close();
			throw ex;
		}
		ControlConnection connection = new ControlConnection(channel, codec);
		Thread reader = new Thread(connection::readLoop, "cluster-control-reader");
		reader.setDaemon(true);
		reader.start();
		connection.send(new Frames.ControlHello(ProcessHandle.current().pid()));
		return connection;
	}

	/**
	 * Send a frame, blocking until it is written.
	 * @param frame the frame
	 * @throws IOException if the connection has closed
	 */
	public void send(Object frame) throws IOException {
		ByteBuffer bytes = this.codec.encode(frame);
		synchronized (this.channel) {
			while (bytes.hasRemaining()) {
				this.channel.write(bytes);
			}
		}
	}

	/**
	 * Take the next frame from the master.
	 * @param timeout how long to wait for it
	 * @return the frame, or {@code null} if none came in time
	 * @throws IOException if the master closed the connection or sent something
	 * malformed
	 */
	public @Nullable Object receive(Duration timeout) throws IOException {
		Object frame;
		try {
			frame = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while waiting for the master", ex);
		}
		if (frame instanceof IOException ex) {
			// Leave the end for the next caller too
			this.received.add(ex);
			throw new IOException(ex.getMessage(), ex);
		}
		return frame;
	}

	private void readLoop() {
		FrameDecoder decoder = this.codec.newDecoder();
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		IOException end = new EOFException("the master closed the connection");
		try {
			while (this.channel.read(buffer.clear()) >= 0) {
				decoder.decode(buffer.flip(), (content) -> this.received.add(this.codec.decode(content)));
			}
		}
		catch (MalformedFrameException ex) {
			end = new IOException("the master sent a malformed frame: " + ex.getMessage(), ex);
		}
		catch (IOException ex) {
			end = this.closed ? new EOFException("closed") : ex;
		}
		this.received.add(end);
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

}
