package io.clusterboot.load;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadReport}.
 */
class LoadReportTests {

	private final LoadReport report = report();

	@Test
	void countsEveryOutcomeOnce() {
		assertThat(this.report.successes()).isEqualTo(3);
		assertThat(this.report.non2xx()).isEqualTo(2);
		assertThat(this.report.failures()).isEqualTo(5);
		assertThat(this.report.requests()).isEqualTo(10);
		assertThat(this.report.abandoned()).isOne();
		assertThat(this.report.failures(FailureKind.CLOSED_BEFORE_RESPONSE)).isEqualTo(3);
		assertThat(this.report.failuresOnFreshConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isOne();
		assertThat(this.report.failuresOnReusedConnections(FailureKind.CLOSED_BEFORE_RESPONSE)).isEqualTo(2);
		assertThat(this.report.failuresByKind()).hasSize(FailureKind.values().length)
			.containsEntry(FailureKind.RESET, 1L)
			.containsEntry(FailureKind.READ_TIMEOUT, 0L);
		assertThat(this.report.throughput()).isEqualTo(5.0);
	}

	@Test
	void formatListsOnlyFailuresThatOccurred() {
		String text = this.report.format();
		assertThat(text).contains("Load on http://127.0.0.1:8080/ (new-connection, 4 connections): 2.000 s, complete")
			.containsPattern("requests +10  5\\.0/s")
			.containsPattern("non-2xx +2  500: 1, 503: 1")
			.containsPattern("CLOSED_BEFORE_RESPONSE +3  fresh 1, reused 2")
			.containsPattern("OTHER +1  fresh 1, reused 0; java.io.IOException: 1")
			.containsPattern("abandoned +1")
			.contains("pids", "10: 2, 11: 1")
			.doesNotContain("READ_TIMEOUT", "CONNECT_REFUSED");
		assertThat(this.report).hasToString(text);
	}

	@Test
	void formatTsvHasTheSameColumnsWhateverTheOutcome() {
		String[] lines = this.report.formatTsv().split(System.lineSeparator());
		assertThat(lines).hasSize(2);
		List<String> header = Arrays.asList(lines[0].split("\t", -1));
		List<String> row = Arrays.asList(lines[1].split("\t", -1));
		assertThat(row).hasSameSizeAs(header);
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < header.size(); i++) {
			values.put(header.get(i), row.get(i));
		}
		assertThat(values).containsEntry("mode", "new-connection")
			.containsEntry("requests", "10")
			.containsEntry("non2xx_statuses", "500:1,503:1")
			.containsEntry("closed_before_response", "3")
			.containsEntry("closed_before_response_reused", "2")
			.containsEntry("read_timeout", "0")
			.containsEntry("abandoned", "1")
			.containsEntry("pids", "10:2,11:1");
		String emptyHeader = new LoadReport(URI.create("http://127.0.0.1/"), LoadMode.KEEP_ALIVE, 1, Duration.ZERO,
				false, new Tally())
			.formatTsv()
			.split(System.lineSeparator())[0];
		assertThat(emptyHeader).isEqualTo(lines[0]);
	}

	private static LoadReport report() {
		Tally tally = new Tally();
		tally.recordResponse(200, 1_000_000, 10);
		tally.recordResponse(200, 2_000_000, 10);
		tally.recordResponse(204, 3_000_000, 11);
		tally.recordResponse(500, 1_000_000, -1);
		tally.recordResponse(503, 1_000_000, -1);
		tally.recordFailure(FailureKind.CLOSED_BEFORE_RESPONSE, false, new IOException());
		tally.recordFailure(FailureKind.CLOSED_BEFORE_RESPONSE, true, new IOException());
		tally.recordFailure(FailureKind.CLOSED_BEFORE_RESPONSE, true, new IOException());
		tally.recordFailure(FailureKind.RESET, true, new IOException());
		tally.recordFailure(FailureKind.OTHER, false, new IOException());
		tally.recordAbandoned();
		tally.recordConnectionOpened();
		return new LoadReport(URI.create("http://127.0.0.1:8080/"), LoadMode.NEW_CONNECTION, 4, Duration.ofSeconds(2),
				true, tally);
	}

}
