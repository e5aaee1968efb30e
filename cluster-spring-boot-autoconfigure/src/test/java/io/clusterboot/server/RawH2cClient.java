package io.clusterboot.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/2 connection over cleartext with prior knowledge (h2c) for the drain tests.
 * It sends {@code GET} requests as streams, acknowledges the server's {@code SETTINGS}
 * and {@code PING}, and records what the server sends back: each stream's body, the
 * first {@code GOAWAY}, and the end of the connection. Unlike most clients it never
 * closes the connection itself, so that a test sees what the server does.
 */
public final class RawH2cClient implements AutoCloseable {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final int DATA = 0x0;

	private static final int HEADERS = 0x1;

	private static final int RST_STREAM = 0x3;

	private static final int SETTINGS = 0x4;

	private static final int PING = 0x6;

	private static final int GOAWAY = 0x7;

	private static final int END_STREAM = 0x1;

	private static final int ACK = 0x1;

	private static final int END_HEADERS = 0x4;

	private static final int PADDED = 0x8;

	private final int port;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();

	private final CompletableFuture<Integer> goAway = new CompletableFuture<>();

	private final CompletableFuture<Void> closed = new CompletableFuture<>();

	private int nextStreamId = 1;

	public RawH2cClient(int port) throws IOException {
		this.port = port;
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
		synchronized (this.out) {
			this.out.write(PREFACE);
			writeFrame(SETTINGS, 0, 0, new byte[0]);
		}
		Thread reader = new Thread(this::read, "h2c-client-" + port);
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Send a {@code GET} on a new stream.
	 * @param path the path
	 * @return the stream's id
	 */
	public synchronized int send(String path) throws IOException {
		int streamId = this.nextStreamId;
		this.nextStreamId += 2;
		this.streams.put(streamId, new Stream());
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		// HPACK static table: 2 is ':method: GET', 6 ':scheme: http'; 4 (':path') and 1
		// (':authority') name literals without indexing
		block.write(0x82);
		block.write(0x86);
		writeLiteral(block, 4, path);
		writeLiteral(block, 1, "127.0.0.1:" + this.port);
		writeFrame(HEADERS, END_STREAM | END_HEADERS, streamId, block.toByteArray());
		return streamId;
	}

	/**
	 * Send a {@code GET} on a new stream and wait for its response.
	 * @param path the path
	 * @param timeout how long to wait
	 * @return the response's body
	 */
	public String get(String path, Duration timeout) throws Exception {
		return body(send(path), timeout);
	}

	/**
	 * Wait for the response of a stream.
	 * @param streamId the stream
	 * @param timeout how long to wait
	 * @return the response's body
	 * @throws ExecutionException if the server reset the stream or the connection ended
	 * first
	 */
	public String body(int streamId, Duration timeout) throws Exception {
		return this.streams.get(streamId).body.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the server's first {@code GOAWAY}.
	 * @param timeout how long to wait
	 * @return its last stream id
	 * @throws TimeoutException if none came
	 */
	public int awaitGoAway(Duration timeout) throws Exception {
		return this.goAway.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait for the server to close the connection.
	 * @param timeout how long to wait
	 * @return whether it closed in time
	 */
	public boolean awaitClosed(Duration timeout) throws InterruptedException {
		try {
			this.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (ExecutionException | TimeoutException ex) {
			return false;
		}
	}

	private void read() {
		try {
			while (true) {
				int length = (this.in.readUnsignedShort() << 8) | this.in.readUnsignedByte();
				int type = this.in.readUnsignedByte();
				int flags = this.in.readUnsignedByte();
				int streamId = this.in.readInt() & 0x7fffffff;
				byte[] payload = this.in.readNBytes(length);
				if (payload.length < length) {
					throw new EOFException();
				}
				onFrame(type, flags, streamId, payload);
			}
		}
		catch (IOException ex) {
			IOException cause = new IOException("Connection ended", ex);
			this.streams.values().forEach((stream) -> stream.body.completeExceptionally(cause));
			this.closed.complete(null);
		}
	}

	private void onFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
		Stream stream = this.streams.get(streamId);
		switch (type) {
			case SETTINGS -> {
				if ((flags & ACK) == 0) {
					writeFrame(SETTINGS, ACK, 0, new byte[0]);
				}
			}
			case PING -> {
				if ((flags & ACK) == 0) {
					writeFrame(PING, ACK, 0, payload);
				}
			}
			case GOAWAY -> this.goAway.complete(ByteBuffer.wrap(payload).getInt() & 0x7fffffff);
			case DATA -> {
				if (stream != null) {
					int padding = ((flags & PADDED) != 0) ? (payload[0] & 0xff) + 1 : 0;
					int offset = ((flags & PADDED) != 0) ? 1 : 0;
					stream.data.write(payload, offset, payload.length - padding);
				}
			}
			case RST_STREAM -> {
				if (stream != null) {
					stream.body.completeExceptionally(
							new IOException("Stream reset with error " + ByteBuffer.wrap(payload).getInt()));
				}
			}
			default -> {
				// HEADERS and the rest: only the end of the stream matters here
			}
		}
		if (stream != null && (type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
			stream.body.complete(stream.data.toString(StandardCharsets.UTF_8));
		}
	}

	private static void writeLiteral(ByteArrayOutputStream block, int nameIndex, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
		block.write(nameIndex);
		block.write(bytes.length);
		block.writeBytes(bytes);
	}

	private void writeFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
		ByteBuffer header = ByteBuffer.allocate(9);
		header.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
		header.put((byte) type).put((byte) flags).putInt(streamId);
		synchronized (this.out) {
			this.out.write(header.array());
			this.out.write(payload);
			this.out.flush();
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * The response of one stream.
	 */
	private static final class Stream {

		private final ByteArrayOutputStream data = new ByteArrayOutputStream();

		private final CompletableFuture<String> body = new CompletableFuture<>();

	}

}
