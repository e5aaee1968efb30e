package io.clusterboot.it.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the long-lived connections of the test application, run as a process of
 * its own so that it can run in the cluster's network namespace: one WebSocket and one
 * event stream, each reconnected when the server ends it, and one HTTP/2 client (h2c,
 * upgraded from HTTP/1.1) sending a request every 100 ms on the connection it keeps,
 * printing one line per event for the test to read:
 * <ul>
 * <li>{@code WS-OPEN pid=N}, {@code WS-CLOSE code reason}, {@code WS-ERROR message};</li>
 * <li>{@code SSE-OPEN pid=N}, {@code SSE-END} when the stream ended cleanly,
 * {@code SSE-ERROR message} otherwise;</li>
 * <li>{@code H2-OPEN version=V pid=N} whenever the protocol version or the worker that
 * answers changes, {@code H2-GOAWAY-RETRY message} when a request failed only because
 * its connection got {@code GOAWAY} (see {@link #sendHttp2(HttpRequest)}) and is sent
 * again, {@code H2-ERROR message} for any other failure.</li>
 * </ul>
 * It needs nothing but the JDK.
 */
public final class LongLivedClient {

	private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");

	private final int port;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final HttpClient http2 = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_2)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private LongLivedClient(int port) {
		this.port = port;
	}

	public static void main(String[] args) throws Exception {
		LongLivedClient client = new LongLivedClient(Integer.parseInt(args[0]));
		Thread events = new Thread(client::streamEvents, "events");
		events.setDaemon(true);
		events.start();
		Thread http2 = new Thread(client::http2Requests, "http2");
		http2.setDaemon(true);
		http2.start();
		client.webSockets();
	}

	/**
	 * What went wrong, with why a handshake was refused, its status and its
	 * {@code Connection} headers.
	 */
	private static String describe(RuntimeException ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof WebSocketHandshakeException refused) {
			HttpResponse<?> response = refused.getResponse();
			return cause + " (" + ((refused.getCause() != null) ? refused.getCause().getMessage() : "-")
					+ ") status=" + response.statusCode() + " connection=" + response.headers().allValues("Connection");
		}
		return String.valueOf(ex.getMessage());
	}

	private static synchronized void print(String line) {
		System.out.println(line);
		System.out.flush();
	}

	private void webSockets() throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
		while (System.nanoTime() < deadline) {
			CompletableFuture<Void> closed = new CompletableFuture<>();
			try {
				WebSocket webSocket = this.http.newWebSocketBuilder()
					.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/ws"), new Listener(closed))
					.join();
				// Never idle for long, so that only a drain closes it
				while (!closed.isDone()) {
					webSocket.sendText("ping", true);
					try {
						closed.get(2, TimeUnit.SECONDS);
					}
					catch (TimeoutException | ExecutionException ex) {
						// Still open
					}
				}
			}
			catch (RuntimeException ex) {
				print("WS-ERROR " + describe(ex));
				Thread.sleep(200);
			}
		}
	}

	private void streamEvents() {
		while (true) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/events"))
				.header("Accept", "text/event-stream")
				.build();
			try {
				HttpResponse<InputStream> response = this.http.send(request,
						HttpResponse.BodyHandlers.ofInputStream());
				boolean opened = false;
				try (BufferedReader reader = new BufferedReader(
						new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
					for (String line = reader.readLine(); line != null; line = reader.readLine()) {
						if (!opened && line.startsWith("data:")) {
							print("SSE-OPEN " + line.substring(5).trim());
							opened = true;
						}
					}
				}
				print("SSE-END");
			}
			catch (IOException | InterruptedException | RuntimeException ex) {
				print("SSE-ERROR " + ex);
				sleep();
			}
		}
	}

	private void http2Requests() {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/"))
			.timeout(Duration.ofSeconds(10))
			.build();
		String last = null;
		while (true) {
			try {
				HttpResponse<String> response = sendHttp2(request);
				Matcher pid = PID.matcher(response.body());
				if (response.statusCode() != 200 || !pid.find()) {
					print("H2-ERROR " + response.statusCode() + " " + response.body());
				}
				else {
					String line = "H2-OPEN version=" + response.version() + " pid=" + pid.group(1);
					if (!line.equals(last)) {
						print(line);
						last = line;
					}
				}
			}
			catch (IOException | InterruptedException | RuntimeException ex) {
				print("H2-ERROR " + ex);
			}
			sleep(100);
		}
	}

	/**
	 * Send a request on the HTTP/2 client. JDK 17's client fails every request in flight
	 * on a connection that receives {@code GOAWAY}, even those whose stream the server
	 * said it would finish (later JDKs send only the others again): such a request is
	 * sent again, once, on a new connection.
	 */
	private HttpResponse<String> sendHttp2(HttpRequest request) throws IOException, InterruptedException {
		try {
			return this.http2.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			if (ex.getMessage() == null || !ex.getMessage().endsWith("GOAWAY received")) {
				throw ex;
			}
			print("H2-GOAWAY-RETRY " + ex.getMessage());
			return this.http2.send(request, HttpResponse.BodyHandlers.ofString());
		}
	}

	private static void sleep() {
		sleep(200);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Prints the greeting and the close of one WebSocket.
	 */
	private static final class Listener implements WebSocket.Listener {

		private final CompletableFuture<Void> closed;

		private final StringBuilder text = new StringBuilder();

		Listener(CompletableFuture<Void> closed) {
			this.closed = closed;
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				String message = this.text.toString();
				this.text.setLength(0);
				if (message.startsWith("hello ")) {
					print("WS-OPEN " + message.substring(6));
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			print("WS-CLOSE " + statusCode + " " + reason);
			this.closed.complete(null);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			print("WS-ERROR " + error);
			this.closed.complete(null);
		}

	}

}
