package io.clusterboot.server.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

import org.jspecify.annotations.Nullable;

/**
 * A stand-in for a worker's private port: a blocking server on 127.0.0.1 with a thread per
 * connection that reads the PROXY header (when told to) and then runs a {@link Handler}.
 */
final class WorkerStub implements Closeable {

	private final String id;

	private final boolean readHeader;

	private final Handler handler;

	private final ServerSocket server;

	private final Thread acceptor;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	/**
	 * Where each connection came from: the PROXY header's source, or the connection's own
	 * remote address when no header is read.
	 */
	final BlockingQueue<InetSocketAddress> sources = new LinkedBlockingQueue<>();

	/**
	 * What failed in the handlers.
	 */
	final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private WorkerStub(String id, boolean readHeader, Handler handler) throws IOException {
		this.id = id;
		this.readHeader = readHeader;
		this.handler = handler;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "worker-stub-" + id);
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * A worker that answers its id on a line of its own, then echoes until the client's
	 * end of stream, then closes.
	 */
	static WorkerStub echo(String id) throws IOException {
		return new WorkerStub(id, true, WorkerStub::idThenEcho);
	}

	static WorkerStub start(String id, boolean readHeader, Handler handler) throws IOException {
		return new WorkerStub(id, readHeader, handler);
	}

	static void idThenEcho(WorkerStub worker, Socket socket) throws IOException {
		OutputStream output = socket.getOutputStream();
		output.write((worker.id + "\n").getBytes(StandardCharsets.US_ASCII));
		output.flush();
		socket.getInputStream().transferTo(output);
	}

	String id() {
		return this.id;
	}

	InetSocketAddress address() {
		return new InetSocketAddress(this.server.getInetAddress(), this.server.getLocalPort());
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				Thread thread = new Thread(() -> serve(socket), "worker-stub-" + this.id + "-connection");
				thread.setDaemon(true);
				thread.start();
			}
			catch (IOException ex) {
				// Closed
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream input = socket.getInputStream();
			@Nullable InetSocketAddress source = this.readHeader ? ProxyProtocol.readSource(input)
					: (InetSocketAddress) socket.getRemoteSocketAddress();
			if (source != null) {
				this.sources.add(source);
			}
			this.handler.handle(this, socket);
		}
		catch (IOException | RuntimeException ex) {
			if (!this.server.isClosed()) {
				this.failures.add(ex);
			}
		}
		finally {
			this.sockets.remove(socket);
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	/**
	 * What a worker does with a connection, after its header.
	 */
	@FunctionalInterface
	interface Handler {

		void handle(WorkerStub worker, Socket socket) throws IOException;

	}

}
