package io.clusterboot.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One client connection of a {@link LoadRun} that sends a fixed HTTP/1.1 request and
 * reads the response, on a blocking socket with connect and read timeouts.
 * <p>
 * Not thread-safe except for {@link #abort()}: one thread uses it at a time.
 */
final class HttpConnection {

	/**
	 * How much of each response body is searched for {@code "pid":<digits>}.
	 */
	static final int PID_SCAN_LIMIT = 64 * 1024;

	private static final int MAX_LINE_LENGTH = 16 * 1024;

	private static final int MAX_HEADER_LINES = 1000;

	private static final byte[] PID_KEY = "\"pid\"".getBytes(StandardCharsets.US_ASCII);

	private final InetSocketAddress address;

	private final int connectTimeoutMillis;

	private final int readTimeoutMillis;

	private final ByteBuffer request;

	private final byte[] buffer = new byte[16 * 1024];

	private int position;

	private int limit;

	private final byte[] line = new byte[MAX_LINE_LENGTH];

	private final byte[] body = new byte[PID_SCAN_LIMIT];

	private int bodyLength;

	private final ByteBuffer probe = ByteBuffer.allocate(1);

	private volatile @Nullable SocketChannel channel;

	private volatile boolean aborted;

	private @Nullable InputStream input;

	private long received;

	private int status;

	private boolean persistent;

	private long pid;

	private long contentLength;

	private boolean transferEncoding;

	private boolean chunked;

	private boolean connectionClose;

	private boolean connectionKeepAlive;

	HttpConnection(InetSocketAddress address, int connectTimeoutMillis, int readTimeoutMillis, byte[] request) {
		this.address = address;
		this.connectTimeoutMillis = connectTimeoutMillis;
		this.readTimeoutMillis = readTimeoutMillis;
		this.request = ByteBuffer.allocateDirect(request.length).put(request);
	}

	/**
	 * Render the request that every connection of a run sends.
	 * @param target where the request goes
	 * @param headers extra headers
	 * @param close whether to ask the server to close the connection after the response
	 * @return the request bytes
	 */
	static byte[] request(LoadTarget target, Map<String, String> headers, boolean close) {
		StringBuilder request = new StringBuilder(128);
		request.append("GET ").append(target.requestTarget()).append(" HTTP/1.1\r\n");
		request.append("Host: ").append(target.hostHeader()).append("\r\n");
		headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
		if (close) {
			request.append("Connection: close\r\n");
		}
		request.append("\r\n");
		return request.toString().getBytes(StandardCharsets.ISO_8859_1);
	}

	boolean isOpen() {
		return this.channel != null;
	}

	/**
	 * Whether the open connection can carry another request: the server has neither
	 * closed nor reset it, nor sent anything unasked. Cheap, but only as good as the
	 * moment it is called: the server may still close the connection right after.
	 * @return whether the connection looks usable
	 */
	boolean isUsable() {
		SocketChannel channel = this.channel;
		if (channel == null || this.position < this.limit) {
			return false;
		}
		try {
			channel.configureBlocking(false);
			try {
				this.probe.clear();
				return channel.read(this.probe) == 0;
			}
			finally {
				channel.configureBlocking(true);
			}
		}
		catch (IOException ex) {
			return false;
		}
	}

	void connect() throws RequestFailure {
		try {
			SocketChannel channel = SocketChannel.open();
			this.channel = channel;
			if (this.aborted) {
				channel.close();
			}
			Socket socket = channel.socket();
			socket.setTcpNoDelay(true);
			socket.connect(this.address, this.connectTimeoutMillis);
			socket.setSoTimeout(this.readTimeoutMillis);
			this.input = socket.getInputStream();
			this.position = 0;
			this.limit = 0;
		}
		catch (IOException ex) {
			close();
			throw new RequestFailure(connectFailureKind(ex), ex);
		}
	}

	private static FailureKind connectFailureKind(IOException ex) {
		if (ex instanceof SocketTimeoutException) {
			return FailureKind.CONNECT_TIMEOUT;
		}
		if (ex instanceof ConnectException && ex.getMessage() != null && ex.getMessage().contains("refused")) {
			return FailureKind.CONNECT_REFUSED;
		}
		return FailureKind.OTHER;
	}

	/**
	 * Send the request and read the whole response.
	 * @throws RequestFailure if there is no complete response
	 */
	void exchange() throws RequestFailure {
		this.received = 0;
		boolean sending = true;
		try {
			SocketChannel channel = this.channel;
			if (channel == null) {
				throw new IllegalStateException("Not connected");
			}
			this.request.rewind();
			while (this.request.hasRemaining()) {
				channel.write(this.request);
			}
			sending = false;
			readResponse();
		}
		catch (SocketTimeoutException ex) {
			throw new RequestFailure(FailureKind.READ_TIMEOUT, ex);
		}
		catch (EOFException ex) {
			throw new RequestFailure((this.received == 0) ? FailureKind.CLOSED_BEFORE_RESPONSE
					: FailureKind.INCOMPLETE_RESPONSE, ex);
		}
		catch (IOException ex) {
			if (isReset(ex)) {
				throw new RequestFailure((sending || this.received == 0) ? FailureKind.RESET
						: FailureKind.INCOMPLETE_RESPONSE, ex);
			}
			throw new RequestFailure(FailureKind.OTHER, ex);
		}
		catch (RuntimeException ex) {
			throw new RequestFailure(FailureKind.OTHER, ex);
		}
	}

	private static boolean isReset(IOException ex) {
		String message = ex.getMessage();
		return message != null && (message.contains("Connection reset") || message.contains("Broken pipe"));
	}

	/**
	 * Status of the last complete response.
	 * @return the status code
	 */
	int status() {
		return this.status;
	}

	/**
	 * Whether the last complete response leaves the connection open for another request.
	 * @return whether the connection persists
	 */
	boolean isPersistent() {
		return this.persistent;
	}

	/**
	 * The {@code "pid":<digits>} in the last complete response body.
	 * @return the pid, or -1 if there was none
	 */
	long pid() {
		return this.pid;
	}

	void close() {
		SocketChannel channel = this.channel;
		this.channel = null;
		this.input = null;
		this.position = 0;
		this.limit = 0;
		if (channel != null) {
			closeQuietly(channel);
		}
	}

	/**
	 * Close the connection from another thread, failing what it is doing now and
	 * anything it tries later.
	 */
	void abort() {
		this.aborted = true;
		SocketChannel channel = this.channel;
		if (channel != null) {
			closeQuietly(channel);
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing left to do with it
		}
	}

	private void readResponse() throws IOException {
		do {
			readStatusLine();
			readHeaders();
		}
		while (this.status / 100 == 1 && this.status != 101);
		this.bodyLength = 0;
		boolean delimitedByClose = false;
		if (this.status / 100 == 1 || this.status == 204 || this.status == 304) {
			// No body
		}
		else if (this.chunked) {
			readChunkedBody();
		}
		else if (this.transferEncoding || this.contentLength < 0) {
			readBodyUntilClose();
			delimitedByClose = true;
		}
		else {
			readBody(this.contentLength);
		}
		this.pid = findPid();
		this.persistent = !delimitedByClose && !this.connectionClose && this.status != 101
				&& (this.persistent || this.connectionKeepAlive);
	}

	private void readStatusLine() throws IOException {
		int length = readLine();
		// HTTP/1.x SSS[ reason]
		if (length < 12 || !startsWith(this.line, "HTTP/1.") || !isDigit(this.line[7]) || this.line[8] != ' '
				|| !isDigit(this.line[9]) || !isDigit(this.line[10]) || !isDigit(this.line[11])
				|| this.line[9] == '0' || (length > 12 && this.line[12] != ' ')) {
			throw new MalformedResponseException("Malformed status line '" + text(length) + "'");
		}
		this.status = (this.line[9] - '0') * 100 + (this.line[10] - '0') * 10 + (this.line[11] - '0');
		// Persistent by default from HTTP/1.1 on, unless a header says otherwise
		this.persistent = this.line[7] != '0';
	}

	private void readHeaders() throws IOException {
		this.contentLength = -1;
		this.transferEncoding = false;
		this.chunked = false;
		this.connectionClose = false;
		this.connectionKeepAlive = false;
		for (int lines = 0;; lines++) {
			int length = readLine();
			if (length == 0) {
				return;
			}
			if (lines == MAX_HEADER_LINES) {
				throw new MalformedResponseException("More than " + MAX_HEADER_LINES + " header lines");
			}
			if (this.line[0] == ' ' || this.line[0] == '\t') {
				continue; // Obsolete line folding of a header that does not matter here
			}
			int colon = indexOf(this.line, length, (byte) ':');
			if (colon <= 0) {
				throw new MalformedResponseException("Malformed header line '" + text(length) + "'");
			}
			if (nameEquals(colon, "content-length")) {
				long contentLength = parseContentLength(value(colon, length));
				if (this.contentLength >= 0 && this.contentLength != contentLength) {
					throw new MalformedResponseException("Conflicting Content-Length headers");
				}
				this.contentLength = contentLength;
			}
			else if (nameEquals(colon, "transfer-encoding")) {
				// Chunked only if it is the last coding applied; otherwise the body ends with the connection
				String[] codings = value(colon, length).split(",");
				this.transferEncoding = true;
				this.chunked = codings.length > 0 && codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
			}
			else if (nameEquals(colon, "connection")) {
				for (String option : value(colon, length).split(",")) {
					this.connectionClose |= option.trim().equalsIgnoreCase("close");
					this.connectionKeepAlive |= option.trim().equalsIgnoreCase("keep-alive");
				}
			}
		}
	}

	private static long parseContentLength(String value) throws MalformedResponseException {
		if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new MalformedResponseException("Malformed Content-Length '" + value + "'");
		}
		return Long.parseLong(value);
	}

	private void readChunkedBody() throws IOException {
		while (true) {
			int length = readLine();
			long size = 0;
			int digits = 0;
			while (digits < length && Character.digit(this.line[digits], 16) >= 0) {
				size = size * 16 + Character.digit(this.line[digits], 16);
				if (++digits > 15) {
					throw new MalformedResponseException("Chunk size too large");
				}
			}
			if (digits == 0 || (digits < length && this.line[digits] != ';' && this.line[digits] != ' '
					&& this.line[digits] != '\t')) {
				throw new MalformedResponseException("Malformed chunk size line '" + text(length) + "'");
			}
			if (size == 0) {
				while (readLine() != 0) {
					// Trailer fields
				}
				return;
			}
			readBody(size);
			if (readLine() != 0) {
				throw new MalformedResponseException("Chunk of " + size + " bytes not followed by CRLF");
			}
		}
	}

	private void readBody(long length) throws IOException {
		long remaining = length;
		while (remaining > 0) {
			if (this.position == this.limit) {
				fill();
			}
			int count = (int) Math.min(remaining, this.limit - this.position);
			keep(count);
			this.position += count;
			remaining -= count;
		}
	}

	private void readBodyUntilClose() throws IOException {
		while (true) {
			if (this.position == this.limit && !tryFill()) {
				return;
			}
			int count = this.limit - this.position;
			keep(count);
			this.position += count;
		}
	}

	private void keep(int count) {
		int kept = Math.min(count, this.body.length - this.bodyLength);
		System.arraycopy(this.buffer, this.position, this.body, this.bodyLength, kept);
		this.bodyLength += kept;
	}

	private long findPid() {
		int last = this.bodyLength - PID_KEY.length;
		for (int start = 0; start <= last; start++) {
			if (!regionMatches(start)) {
				continue;
			}
			int i = skipSpaces(start + PID_KEY.length);
			if (i < this.bodyLength && this.body[i] == ':') {
				i = skipSpaces(i + 1);
				long pid = 0;
				int digits = 0;
				while (i < this.bodyLength && isDigit(this.body[i]) && digits < 18) {
					pid = pid * 10 + (this.body[i++] - '0');
					digits++;
				}
				if (digits > 0) {
					return pid;
				}
			}
		}
		return -1;
	}

	private boolean regionMatches(int start) {
		for (int i = 0; i < PID_KEY.length; i++) {
			if (this.body[start + i] != PID_KEY[i]) {
				return false;
			}
		}
		return true;
	}

	private int skipSpaces(int from) {
		int i = from;
		while (i < this.bodyLength && (this.body[i] == ' ' || this.body[i] == '\t')) {
			i++;
		}
		return i;
	}

	/**
	 * Read one line into {@link #line}, without its CRLF (or bare LF).
	 * @return the length of the line
	 */
	private int readLine() throws IOException {
		int length = 0;
		while (true) {
			if (this.position == this.limit) {
				fill();
			}
			byte b = this.buffer[this.position++];
			if (b == '\n') {
				return (length > 0 && this.line[length - 1] == '\r') ? length - 1 : length;
			}
			if (length == this.line.length) {
				throw new MalformedResponseException("Line longer than " + MAX_LINE_LENGTH + " bytes");
			}
			this.line[length++] = b;
		}
	}

	private void fill() throws IOException {
		if (!tryFill()) {
			throw new EOFException("Connection closed by the server");
		}
	}

	private boolean tryFill() throws IOException {
		InputStream input = this.input;
		if (input == null) {
			throw new IllegalStateException("Not connected");
		}
		int count = input.read(this.buffer, 0, this.buffer.length);
		if (count < 0) {
			return false;
		}
		this.position = 0;
		this.limit = count;
		this.received += count;
		return true;
	}

	private boolean nameEquals(int colon, String lowerCaseName) {
		int end = colon;
		while (end > 0 && (this.line[end - 1] == ' ' || this.line[end - 1] == '\t')) {
			end--;
		}
		if (end != lowerCaseName.length()) {
			return false;
		}
		for (int i = 0; i < end; i++) {
			int c = this.line[i];
			if (c >= 'A' && c <= 'Z') {
				c += 'a' - 'A';
			}
			if (c != lowerCaseName.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private String value(int colon, int length) {
		return new String(this.line, colon + 1, length - colon - 1, StandardCharsets.ISO_8859_1).trim();
	}

	private String text(int length) {
		return new String(this.line, 0, Math.min(length, 200), StandardCharsets.ISO_8859_1);
	}

	private static boolean startsWith(byte[] bytes, String prefix) {
		for (int i = 0; i < prefix.length(); i++) {
			if (bytes[i] != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] bytes, int length, byte b) {
		for (int i = 0; i < length; i++) {
			if (bytes[i] == b) {
				return i;
			}
		}
		return -1;
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

}
