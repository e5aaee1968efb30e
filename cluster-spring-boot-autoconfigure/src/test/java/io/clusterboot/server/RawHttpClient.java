package io.clusterboot.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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
		this.out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	public Response read() throws IOException {
		String statusLine = readLine();
		Map<String, String> headers = new HashMap<>();
		for (String line = readLine(); !line.isEmpty(); line = readLine()) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		byte[] body = this.in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
		return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
				new String(body, StandardCharsets.UTF_8));
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
	 * @param headers the headers, by lower-case name
	 * @param body the body
	 */
	public record Response(int status, Map<String, String> headers, String body) {

		public String header(String name) {
			return this.headers.get(name);
		}

	}

}
