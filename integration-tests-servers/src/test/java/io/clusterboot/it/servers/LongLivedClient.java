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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the long-lived connections of the test application, run as a process of
 * its own so that it can run in the cluster's network namespace: one WebSocket and one
 * event stream, each reconnected when the server ends it, printing one line per event
 * for the test to read:
 * <ul>
 * <li>{@code WS-OPEN pid=N}, {@code WS-CLOSE code reason}, {@code WS-ERROR message};</li>
 * <li>{@code SSE-OPEN pid=N}, {@code SSE-END} when the stream ended cleanly,
 * {@code SSE-ERROR message} otherwise.</li>
 * </ul>
 * It needs nothing but the JDK.
 */
public final class LongLivedClient {

	private final int port;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
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
		client.webSockets();
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
				print("WS-ERROR " + ex.getMessage());
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

	private static void sleep() {
		try {
			Thread.sleep(200);
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
