package io.clusterboot.actuate.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PrometheusTextMerger}.
 */
class PrometheusTextMergerTests {

	@Test
	void mergesTheSamplesOfAFamilyUnderOneDescription() {
		assertThat(merge("""
				# HELP up Whether the worker is up
				# TYPE up gauge
				up{worker="1"} 1.0
				# HELP requests_total Requests
				# TYPE requests_total counter
				requests_total{worker="1"} 3.0
				""", """
				# HELP up Whether the worker is up
				# TYPE up gauge
				up{worker="2"} 1.0
				# HELP requests_total Requests
				# TYPE requests_total counter
				requests_total{worker="2"} 5.0
				""")).isEqualTo("""
				# HELP up Whether the worker is up
				# TYPE up gauge
				up{worker="1"} 1.0
				up{worker="2"} 1.0
				# HELP requests_total Requests
				# TYPE requests_total counter
				requests_total{worker="1"} 3.0
				requests_total{worker="2"} 5.0
				""");
	}

	@Test
	void keepsOnlyTheFirstSampleOfASeries() {
		assertThat(merge("""
				# TYPE up gauge
				up{worker="1"} 1.0
				""", """
				# TYPE up gauge
				up{worker="1"} 0.0
				up{worker="2"} 1.0
				up{worker="2"} 0.0
				""")).isEqualTo("""
				# TYPE up gauge
				up{worker="1"} 1.0
				up{worker="2"} 1.0
				""");
	}

	@Test
	void keepsOnlyTheFirstSampleOfASeriesWhateverItsTimestamp() {
		assertThat(merge("""
				# TYPE up gauge
				up 1.0 1700000000000
				""", """
				# TYPE up gauge
				up 0.0 1700000001000
				""")).isEqualTo("""
				# TYPE up gauge
				up 1.0 1700000000000
				""");
	}

	@Test
	void labelSetsInAnotherOrderAreTheSameSeries() {
		assertThat(merge("""
				# TYPE up gauge
				up{worker="1",state="listening"} 1.0
				""", """
				# TYPE up gauge
				up{ state = "listening" , worker="1", } 0.0
				""")).isEqualTo("""
				# TYPE up gauge
				up{worker="1",state="listening"} 1.0
				""");
	}

	@Test
	void readsLabelValuesWithEscapesCommasAndBraces() {
		assertThat(merge("""
				# TYPE hits counter
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\",note="x\\ny"} 1.0
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\"} 2.0
				""", """
				# TYPE hits counter
				hits_total{note="x\\ny",dir="C:\\\\",path="/a,b=\\"c\\"}"} 3.0
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\",note="x"} 4.0
				hits_total{path="/a,b=",dir="C:\\\\"} 5.0
				""")).isEqualTo("""
				# TYPE hits counter
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\",note="x\\ny"} 1.0
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\"} 2.0
				hits_total{path="/a,b=\\"c\\"}",dir="C:\\\\",note="x"} 4.0
				hits_total{path="/a,b=",dir="C:\\\\"} 5.0
				""");
	}

	@Test
	void leavesOutTheSamplesOfAWorkerThatGivesAFamilyAnotherTypeAndSaysSo() {
		assertThat(merge("""
				# TYPE queue_size gauge
				queue_size{worker="1"} 3.0
				# TYPE up gauge
				up{worker="1"} 1
				""", """
				# TYPE queue_size counter
				queue_size{worker="2"} 4.0
				# TYPE up gauge
				up{worker="2"} 1
				""")).isEqualTo("""
				# TYPE queue_size gauge
				queue_size{worker="1"} 3.0
				# TYPE up gauge
				up{worker="1"} 1
				up{worker="2"} 1
				# HELP cluster_scrape_type_conflict Families whose samples from a worker were left out, as it gives them another type
				# TYPE cluster_scrape_type_conflict gauge
				cluster_scrape_type_conflict{family="queue_size",worker="2"} 1
				""");
	}

	@Test
	void saysOnceForEachFamilyAndWorkerThatSamplesWereLeftOut() {
		String histogram = """
				# TYPE http_seconds histogram
				http_seconds_count{worker="%1$s"} 2
				# TYPE http_active gauge
				http_active{worker="%1$s"} 2
				# EOF
				""";
		String summary = """
				# TYPE http_seconds summary
				http_seconds_count{worker="%1$s"} 2
				# TYPE http_active counter
				http_active_total{worker="%1$s"} 2
				# EOF
				""";
		PrometheusTextMerger merger = new PrometheusTextMerger().add(histogram.formatted(1), "1", (name) -> true)
			.add(summary.formatted(2), "2", (name) -> true)
			.add(summary.formatted(2), "2", (name) -> true)
			.add(summary.formatted(3), "3", (name) -> true);
		assertThat(merger.merge()).isEqualTo("""
				# TYPE http_seconds histogram
				http_seconds_count{worker="1"} 2
				# TYPE http_active gauge
				http_active{worker="1"} 2
				# HELP cluster_scrape_type_conflict Families whose samples from a worker were left out, as it gives them another type
				# TYPE cluster_scrape_type_conflict gauge
				cluster_scrape_type_conflict{family="http_seconds",worker="2"} 1
				cluster_scrape_type_conflict{family="http_active",worker="2"} 1
				cluster_scrape_type_conflict{family="http_seconds",worker="3"} 1
				cluster_scrape_type_conflict{family="http_active",worker="3"} 1
				# EOF
				""");
	}

	@Test
	void escapesTheWorkerOfATypeConflict() {
		PrometheusTextMerger merger = new PrometheusTextMerger().add("# TYPE up gauge\nup 1\n", "1", (name) -> true)
			.add("# TYPE up counter\nup 1\n", "a\"b\\c\nd", (name) -> true);
		assertThat(merger.merge()).endsWith("""
				cluster_scrape_type_conflict{family="up",worker="a\\"b\\\\c\\nd"} 1
				""");
	}

	@Test
	void mergesHistograms() {
		String worker = """
				# HELP http_seconds Requests
				# TYPE http_seconds histogram
				http_seconds_bucket{le="0.1",worker="%1$s"} 1
				http_seconds_bucket{le="+Inf",worker="%1$s"} 2
				http_seconds_count{worker="%1$s"} 2
				http_seconds_sum{worker="%1$s"} 0.3
				# HELP http_seconds_max Longest request
				# TYPE http_seconds_max gauge
				http_seconds_max{worker="%1$s"} 0.2
				""";
		assertThat(merge(worker.formatted(1), worker.formatted(2))).isEqualTo("""
				# HELP http_seconds Requests
				# TYPE http_seconds histogram
				http_seconds_bucket{le="0.1",worker="1"} 1
				http_seconds_bucket{le="+Inf",worker="1"} 2
				http_seconds_count{worker="1"} 2
				http_seconds_sum{worker="1"} 0.3
				http_seconds_bucket{le="0.1",worker="2"} 1
				http_seconds_bucket{le="+Inf",worker="2"} 2
				http_seconds_count{worker="2"} 2
				http_seconds_sum{worker="2"} 0.3
				# HELP http_seconds_max Longest request
				# TYPE http_seconds_max gauge
				http_seconds_max{worker="1"} 0.2
				http_seconds_max{worker="2"} 0.2
				""");
	}

	@Test
	void mergesOpenMetricsWithOneEndOfFile() {
		String worker = """
				# TYPE requests counter
				# HELP requests Requests
				requests_total{worker="%1$s"} 3.0 # {trace_id="a%1$s"} 1.0
				requests_created{worker="%1$s"} 1700000000.000
				# TYPE uptime gauge
				# UNIT uptime seconds
				# HELP uptime Time since start
				uptime{worker="%1$s"} 12.5
				# EOF
				""";
		assertThat(merge(worker.formatted(1), worker.formatted(2))).isEqualTo("""
				# TYPE requests counter
				# HELP requests Requests
				requests_total{worker="1"} 3.0 # {trace_id="a1"} 1.0
				requests_created{worker="1"} 1700000000.000
				requests_total{worker="2"} 3.0 # {trace_id="a2"} 1.0
				requests_created{worker="2"} 1700000000.000
				# TYPE uptime gauge
				# UNIT uptime seconds
				# HELP uptime Time since start
				uptime{worker="1"} 12.5
				uptime{worker="2"} 12.5
				# EOF
				""");
	}

	@Test
	void sampleOfAnotherNameStartsAFamilyWithoutDescription() {
		assertThat(merge("""
				# TYPE up gauge
				up{worker="1"} 1.0
				untyped_thing 7
				# TYPE requests summary
				requests_count{worker="1"} 1
				requests_total{worker="1"} 1
				""", """
				# TYPE up gauge
				up{worker="2"} 1.0
				# TYPE requests summary
				requests_count{worker="2"} 1
				""")).isEqualTo("""
				# TYPE up gauge
				up{worker="1"} 1.0
				up{worker="2"} 1.0
				untyped_thing 7
				# TYPE requests summary
				requests_count{worker="1"} 1
				requests_count{worker="2"} 1
				requests_total{worker="1"} 1
				""");
	}

	@Test
	void keepsTheFirstDescriptionWithItsEscapes() {
		assertThat(merge("""
				# HELP path_length Length of C:\\\\ paths\\nin "bytes"
				# TYPE path_length gauge
				path_length{worker="1"} 3.0
				""", """
				# HELP path_length Another description
				# TYPE path_length gauge
				path_length{worker="2"} 3.0
				""")).isEqualTo("""
				# HELP path_length Length of C:\\\\ paths\\nin "bytes"
				# TYPE path_length gauge
				path_length{worker="1"} 3.0
				path_length{worker="2"} 3.0
				""");
	}

	@Test
	void skipsBlankLinesAndOtherComments() {
		assertThat(merge("""

				# A comment
				# HELP up Whether the worker is up

				# TYPE up gauge

				up{worker="1"} 1.0

				""")).isEqualTo("""
				# HELP up Whether the worker is up
				# TYPE up gauge
				up{worker="1"} 1.0
				""");
	}

	@Test
	void readsTheLastSampleOfAnExpositionWithoutLineBreak() {
		assertThat(merge("# TYPE up gauge\nup{worker=\"1\"} 1.0", "# TYPE up gauge\nup{worker=\"2\"} 1.0"))
			.isEqualTo("""
					# TYPE up gauge
					up{worker="1"} 1.0
					up{worker="2"} 1.0
					""");
	}

	@Test
	void mergesEmptyExpositions() {
		assertThat(merge("")).isEmpty();
		assertThat(merge("", "# TYPE up gauge\nup 1.0\n", "")).isEqualTo("# TYPE up gauge\nup 1.0\n");
		assertThat(merge("# EOF\n", "# EOF\n")).isEqualTo("# EOF\n");
	}

	@Test
	void takesOnlyTheFamiliesToKeep() {
		PrometheusTextMerger merger = new PrometheusTextMerger().add("""
				# TYPE cluster_workers gauge
				cluster_workers 2.0
				# TYPE restarts counter
				restarts_total 1.0
				""", "1", (name) -> true).add("""
				# TYPE cluster_workers gauge
				cluster_workers 3.0
				# TYPE restarts counter
				restarts_total{worker="2"} 1.0
				restarts_created{worker="2"} 1.0
				# TYPE up gauge
				up 1
				# EOF
				""", "2", (name) -> !name.equals("cluster_workers") && !name.equals("restarts"));
		assertThat(merger.merge()).isEqualTo("""
				# TYPE cluster_workers gauge
				cluster_workers 2.0
				# TYPE restarts counter
				restarts_total 1.0
				# TYPE up gauge
				up 1
				# EOF
				""");
	}

	@Test
	void addsAFamilyOfItsOwn() {
		PrometheusTextMerger merger = new PrometheusTextMerger().add("# TYPE up gauge\nup 1\n", "1", (name) -> true)
			.add("scrape_up", "Whether a worker answered", "gauge", List.of("scrape_up{worker=\"1\"} 1"));
		assertThat(merger.merge()).isEqualTo("""
				# TYPE up gauge
				up 1
				# HELP scrape_up Whether a worker answered
				# TYPE scrape_up gauge
				scrape_up{worker="1"} 1
				""");
	}

	@Test
	void escapesTheDescriptionOfAFamilyOfItsOwn() {
		PrometheusTextMerger merger = new PrometheusTextMerger().add("scrape_up",
				"Whether a worker answered,\nC:\\ (1)", "gauge", List.of("scrape_up 1"));
		assertThat(merger.merge()).isEqualTo("""
				# HELP scrape_up Whether a worker answered,\\nC:\\\\ (1)
				# TYPE scrape_up gauge
				scrape_up 1
				""");
	}

	@Test
	void leavesOutAFamilyOfItsOwnThatAWorkerGivesAnotherType() {
		PrometheusTextMerger merger = new PrometheusTextMerger().add("# TYPE scrape_up counter\nscrape_up 1\n", "1",
				(name) -> true)
			.add("scrape_up", "Whether a worker answered", "gauge", List.of("scrape_up{worker=\"1\"} 1"));
		assertThat(merger.merge()).isEqualTo("""
				# TYPE scrape_up counter
				scrape_up 1
				# HELP cluster_scrape_type_conflict Families whose samples from a worker were left out, as it gives them another type
				# TYPE cluster_scrape_type_conflict gauge
				cluster_scrape_type_conflict{family="scrape_up"} 1
				""");
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/plain; version=0.0.4", "application/openmetrics-text; version=1.0.0" })
	void mergesTheScrapesOfMicrometer(String contentType) {
		String first = scrape(1, contentType);
		String second = scrape(2, contentType);
		String merged = merge(first, second);
		assertThat(types(merged)).doesNotHaveDuplicates().hasSameSizeAs(types(first));
		assertThat(samples(merged)).hasSize(samples(first).size() + samples(second).size());
		String family = "";
		for (String line : merged.lines().toList()) {
			if (line.startsWith("# TYPE ")) {
				family = line.split(" ")[2];
			}
			else if (!line.startsWith("#")) {
				assertThat(line).startsWith(family);
			}
		}
	}

	private static String scrape(int worker, String contentType) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		registry.config().meterFilter(new WorkerTagMeterFilter(worker));
		Timer.builder("http.requests").publishPercentileHistogram().register(registry).record(Duration.ofMillis(5));
		registry.counter("orders", "region", "eu").increment();
		registry.gauge("queue.size", worker);
		DistributionSummary.builder("payload").baseUnit("bytes").register(registry).record(100);
		return registry.scrape(contentType);
	}

	private static List<String> types(String exposition) {
		return exposition.lines().filter((line) -> line.startsWith("# TYPE ")).toList();
	}

	private static List<String> samples(String exposition) {
		return exposition.lines().filter((line) -> !line.isEmpty() && !line.startsWith("#")).toList();
	}

	private static String merge(String... expositions) {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		for (int i = 0; i < expositions.length; i++) {
			merger.add(expositions[i], String.valueOf(i + 1), (name) -> true);
		}
		return merger.merge();
	}

}
