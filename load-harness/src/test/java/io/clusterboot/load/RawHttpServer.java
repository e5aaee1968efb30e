package io.clusterboot.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Server on a plain {@link ServerSocket} that runs a script on each accepted connection,
 * so that a test can make it misbehave at exactly the byte it wants.
 */
final class RawHttpServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final Script script;

	private final Thread acceptor;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private RawHttpServer(Script script) throws IOException {
		this.serverSocket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		this.script = script;
		this.acceptor = new Thread(this::accept, "raw-http-server-acceptor");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	static RawHttpServer start(Script script) throws IOException {
		return new RawHttpServer(script);
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort() + "/");
	}

	int connections() {
		return this.connections.get();
	}

	List<String> requests() {
		return this.requests;
	}

	private void accept() {
		while (!this.serverSocket.isClosed()) {
			try {
				Socket socket = this.serverSocket.accept();
				this.sockets.add(socket);
				Connection connection = new Connection(socket, this.connections.incrementAndGet());
				Thread thread = new Thread(() -> serve(connection), "raw-http-server-" + connection.number);
				thread.setDaemon(true);
				this.threads.add(thread);
				thread.start();
			}
			catch (IOException ex) {
				// Closed
			}
		}
	}

	private void serve(Connection connection) {
		try (Socket socket = connection.socket) {
			this.script.run(connection);
		}
		catch (IOException ex) {
			// The client went away, or the test closed the server
		}
		finally {
			this.sockets.remove(connection.socket);
		}
	}

	@Override
	public void close() throws Exception {
		this.serverSocket.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.acceptor.join(5000);
		for (Thread thread : this.threads) {
			thread.join(5000);
		}
	}

	/**
	 * What the server does with one connection; the connection is closed when it returns.
	 */
	@FunctionalInterface
	interface Script {

		void run(Connection connection) throws IOException;

	}

	/**
	 * One accepted connection.
	 */
	final class Connection {

		private final Socket socket;

		private final int number;

		private final InputStream input;

		private final OutputStream output;

		private Connection(Socket socket, int number) throws IOException {
			this.socket = socket;
			this.number = number;
			this.input = socket.getInputStream();
			this.output = socket.getOutputStream();
		}

		/**
		 * Position of this connection among those accepted.
		 * @return the connection number, from 1
		 */
		int number() {
			return this.number;
		}

		/**
		 * Read a request head, up to and including its empty line.
		 * @return the head, or {@code null} if the client closed the connection first
		 */
		@Nullable String readRequest() throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int matched = 0;
			while (matched < 4) {
				int b = this.input.read();
				if (b < 0) {
					return null;
				}
				head.write(b);
				matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			String request = head.toString(StandardCharsets.ISO_8859_1);
			RawHttpServer.this.requests.add(request);
			return request;
		}

		void write(String text) throws IOException {
			this.output.write(text.getBytes(StandardCharsets.ISO_8859_1));
			this.output.flush();
		}

		/**
		 * Close the connection with a TCP reset instead of a clean close.
		 */
		void reset() throws IOException {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
		}

	}

}
