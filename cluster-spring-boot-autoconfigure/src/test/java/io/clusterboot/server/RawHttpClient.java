package io.clusterboot.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection for the drain tests, reading responses that have a content
 * length.
 */
public final class RawHttpClient implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	public RawHttpClient(int port, Duration readTimeout) throws IOException {
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setSoTimeout((int) readTimeout.toMillis());
		this.in = this.socket.getInputStream();
		this.out = this.socket.getOutputStream();
	}

	public Response get(String path) throws IOException {
		send(path);
		return read();
	}

	public void send(String path) throws IOException {
		write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
	}

	/**
	 * Send a WebSocket handshake and read its response, leaving the connection to the
	 * WebSocket frames that may follow.
	 * @param path the path of the WebSocket endpoint
	 * @return the response
	 */
	public Response webSocketHandshake(String path) throws IOException {
		write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
		return read();
	}

	private void write(String request) throws IOException {
		this.out.write(request.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	public Response read() throws IOException {
		String statusLine = readLine();
		Map<String, List<String>> headers = new HashMap<>();
		for (String line = readLine(); !line.isEmpty(); line = readLine()) {
			int colon = line.indexOf(':');
			String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
			headers.computeIfAbsent(name, (key) -> new ArrayList<>()).add(line.substring(colon + 1).trim());
		}
		byte[] body = this.in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).get(0)));
		return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
				new String(body, StandardCharsets.UTF_8));
	}

	/**
	 * Read a WebSocket frame the server sent, which must be a short, whole text message.
	 * @return its text
	 */
	public String readTextFrame() throws IOException {
		byte[] header = this.in.readNBytes(2);
		if (header.length < 2 || header[0] != (byte) 0x81 || header[1] < 0 || header[1] > 125) {
			throw new IOException("Not a short, whole and unmasked text frame");
		}
		return new String(this.in.readNBytes(header[1]), StandardCharsets.UTF_8);
	}

	public boolean closedByServer() throws IOException {
		try {
			return this.in.read() == -1;
		}
		catch (IOException ex) {
			// Reset: closed too
			return !ex.getClass().getSimpleName().contains("Timeout");
		}
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b == -1) {
				throw new IOException("Connection closed by the server");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * A response.
	 * @param status the status code
	 * @param headers the values of each header, in the order received, by lower-case name
	 * @param body the body
	 */
	public record Response(int status, Map<String, List<String>> headers, String body) {

		/**
		 * The value of a header, its values joined with commas if it came more than once.
		 */
		public @Nullable String header(String name) {
			List<String> values = this.headers.get(name);
			return (values != null) ? String.join(", ", values) : null;
		}

		/**
		 * The value of each line of a header.
		 */
		public List<String> headerValues(String name) {
			return this.headers.getOrDefault(name, List.of());
		}

	}

}
