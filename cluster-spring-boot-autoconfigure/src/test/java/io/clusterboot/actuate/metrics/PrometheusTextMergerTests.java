package io.clusterboot.actuate.metrics;

import java.util.List;

import org.junit.jupiter.api.Test;

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
				""", (name) -> true).add("""
				# TYPE cluster_workers gauge
				cluster_workers 3.0
				# TYPE restarts counter
				restarts_total{worker="2"} 1.0
				restarts_created{worker="2"} 1.0
				# TYPE up gauge
				up 1
				# EOF
				""", (name) -> !name.equals("cluster_workers") && !name.equals("restarts"));
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
		PrometheusTextMerger merger = new PrometheusTextMerger().add("# TYPE up gauge\nup 1\n", (name) -> true)
			.add("scrape_up", "Whether a worker answered", "gauge", List.of("scrape_up{worker=\"1\"} 1"));
		assertThat(merger.merge()).isEqualTo("""
				# TYPE up gauge
				up 1
				# HELP scrape_up Whether a worker answered
				# TYPE scrape_up gauge
				scrape_up{worker="1"} 1
				""");
	}

	private static String merge(String... expositions) {
		PrometheusTextMerger merger = new PrometheusTextMerger();
		for (String exposition : expositions) {
			merger.add(exposition, (name) -> true);
		}
		return merger.merge();
	}

}
