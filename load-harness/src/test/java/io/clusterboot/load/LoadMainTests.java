package io.clusterboot.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link LoadMain}.
 */
class LoadMainTests {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private final LoadMain main = new LoadMain(new PrintStream(this.out, true, StandardCharsets.UTF_8),
			new PrintStream(this.err, true, StandardCharsets.UTF_8));

	private HttpServer server;

	private String url;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
		this.server.createContext("/", (exchange) -> {
			byte[] body = "{\"pid\":3}".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream output = exchange.getResponseBody()) {
				output.write(body);
			}
		});
		this.server.start();
		this.url = "http://127.0.0.1:" + this.server.getAddress().getPort() + "/";
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void printsTextReport() {
		int status = this.main.run(new String[] { "--url", this.url, "--mode", "new-connection", "--connections", "2",
				"--requests", "20", "--header", "Accept: application/json" });
		assertThat(status).isZero();
		assertThat(output()).contains("(new-connection, 2 connections)")
			.containsPattern("requests +20")
			.containsPattern("2xx +20")
			.containsPattern("failures +0")
			.containsPattern("connections opened +20")
			.contains("3: 20");
	}

	@Test
	void printsTsvReport() {
		int status = this.main.run(new String[] { "--url", this.url, "--requests", "10", "--format", "tsv",
				"--duration", "1m", "--read-timeout", "5s", "--connect-timeout", "500ms", "--pause", "0ms" });
		assertThat(status).isZero();
		String[] lines = output().split(System.lineSeparator());
		assertThat(lines).hasSize(2);
		assertThat(lines[0]).startsWith("target\tmode\tconnections\telapsed_s\tcomplete\trequests\t");
		assertThat(lines[1]).startsWith(this.url + "\tkeep-alive\t8\t").contains("\ttrue\t10\t");
	}

	@Test
	void printsUsageForHelp() {
		assertThat(this.main.run(new String[] { "--help" })).isZero();
		assertThat(output()).startsWith("Usage: java -jar load-harness.jar");
	}

	@Test
	void refusesMissingUrl() {
		assertThat(this.main.run(new String[] { "--requests", "10" })).isEqualTo(2);
		assertThat(errors()).startsWith("--url is required").contains("Usage:");
		assertThat(output()).isEmpty();
	}

	@Test
	void refusesNonLoopbackUrl() {
		assertThat(this.main.run(new String[] { "--url", "http://example.com/", "--requests", "10" })).isEqualTo(2);
		assertThat(errors()).startsWith("Refusing to send load to 'http://example.com/'");
	}

	@Test
	void refusesInvalidOptions() {
		assertThat(this.main.run(new String[] { "--url", this.url, "--mode", "pipelined" })).isEqualTo(2);
		assertThat(errors()).startsWith("--mode is keep-alive or new-connection, not 'pipelined'");
		assertThat(this.main.run(new String[] { "--url", this.url, "--connections", "0" })).isEqualTo(2);
		assertThat(this.main.run(new String[] { "--url", this.url, "--requests" })).isEqualTo(2);
		assertThat(this.main.run(new String[] { "--url", this.url, "--bogus", "1" })).isEqualTo(2);
		assertThat(this.main.run(new String[] { "--url", this.url, "--header", "Host: elsewhere" })).isEqualTo(2);
		assertThat(output()).isEmpty();
	}

	@Test
	void parsesDurations() {
		assertThat(LoadMain.parseDuration("--duration", "250ms")).isEqualTo(Duration.ofMillis(250));
		assertThat(LoadMain.parseDuration("--duration", "10s")).isEqualTo(Duration.ofSeconds(10));
		assertThat(LoadMain.parseDuration("--duration", "2m")).isEqualTo(Duration.ofMinutes(2));
		assertThat(LoadMain.parseDuration("--duration", "1h")).isEqualTo(Duration.ofHours(1));
		assertThat(LoadMain.parseDuration("--duration", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
		assertThatIllegalArgumentException().isThrownBy(() -> LoadMain.parseDuration("--duration", "10"))
			.withMessage("--duration takes a duration such as 500ms, 10s, 2m or PT1M, not '10'");
	}

	private String output() {
		return this.out.toString(StandardCharsets.UTF_8);
	}

	private String errors() {
		return this.err.toString(StandardCharsets.UTF_8);
	}

}
