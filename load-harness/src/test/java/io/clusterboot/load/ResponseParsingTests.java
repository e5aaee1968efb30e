package io.clusterboot.load;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the HTTP/1.1 response parsing of a {@link LoadRun}, against a server that
 * answers every request of a connection with the same bytes.
 */
class ResponseParsingTests {

	private @Nullable RawHttpServer server;

	@AfterEach
	void closeServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void readsLargeBodyExactlyAndScansOnlyItsStartForPid() throws Exception {
		String body = "x".repeat(100_000) + "{\"pid\":5}";
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.connectionsOpened()).isOne();
		assertThat(report.pids()).isEmpty();
	}

	@Test
	void findsPidWithinTheScannedPartOfTheBody() throws Exception {
		String body = "{\"name\":\"a\", \"pid\" : 4321}";
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
		assertThat(report.pids()).containsExactly(Map.entry(4321L, 5L));
	}

	@Test
	void matchesHeaderNamesIgnoringCase() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\ncontent-LENGTH: 2\r\nCONNECTION: Close\r\n\r\nok"));
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.connectionsOpened()).isEqualTo(5);
	}

	@Test
	void readsBodyDelimitedByCloseAndReconnects() throws Exception {
		this.server = RawHttpServer.start((connection) -> {
			connection.readRequest();
			connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"pid\":9}");
		});
		LoadReport report = run(this.server.uri());
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.failures()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(5);
		assertThat(report.pids()).containsExactly(Map.entry(9L, 5L));
	}

	@Test
	void expectsNoBodyFor204() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 204 No Content\r\n\r\n"));
		assertThat(report.status(204)).isEqualTo(5);
		assertThat(report.connectionsOpened()).isOne();
	}

	@Test
	void skipsInterimResponses() throws Exception {
		LoadReport report = run(answering(
				"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		assertThat(report.statuses()).containsExactly(Map.entry(200, 5L));
		assertThat(report.connectionsOpened()).isOne();
	}

	@Test
	void closesHttp10ConnectionsUnlessKeptAlive() throws Exception {
		LoadReport closing = run(answering("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		assertThat(closing.successes()).isEqualTo(5);
		assertThat(closing.connectionsOpened()).isEqualTo(5);
	}

	@Test
	void reusesHttp10ConnectionsKeptAlive() throws Exception {
		LoadReport keptAlive = run(answering("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"));
		assertThat(keptAlive.successes()).isEqualTo(5);
		assertThat(keptAlive.connectionsOpened()).isOne();
	}

	@Test
	void acceptsBareLineFeedsAndStatusWithoutReason() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 200\nContent-Length: 2\n\nok"));
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.connectionsOpened()).isOne();
	}

	@Test
	void reconnectsWithoutFailureAfterUnsolicitedBytes() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"));
		assertThat(report.successes()).isEqualTo(5);
		assertThat(report.failures()).isZero();
		assertThat(report.connectionsOpened()).isEqualTo(5);
	}

	@Test
	void malformedStatusLineIsOtherFailure() throws Exception {
		LoadReport report = run(answering("HTTP/2 200 OK\r\n\r\n"));
		assertMalformed(report);
	}

	@Test
	void malformedChunkSizeIsOtherFailure() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
		assertMalformed(report);
	}

	@Test
	void conflictingContentLengthsAreOtherFailure() throws Exception {
		LoadReport report = run(answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"));
		assertMalformed(report);
	}

	private static void assertMalformed(LoadReport report) {
		assertThat(report.failures(FailureKind.OTHER)).isEqualTo(5);
		assertThat(report.failures()).isEqualTo(5);
		assertThat(report.otherFailures()).containsExactly(Map.entry(MalformedResponseException.class.getName(), 5L));
	}

	private URI answering(String response) throws IOException {
		this.server = RawHttpServer.start((connection) -> {
			while (connection.readRequest() != null) {
				connection.write(response);
			}
		});
		return this.server.uri();
	}

	private static LoadReport run(URI uri) throws InterruptedException {
		return LoadRun.builder(uri).connections(1).maxRequests(5).readTimeout(Duration.ofSeconds(2)).start().await();
	}

}
