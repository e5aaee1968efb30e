package io.clusterboot.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One Prometheus scrape for the whole cluster.
 */
class ClusterPrometheusIT extends AbstractClusterIT {

	@Test
	void theScrapeHasEveryWorkersSeriesExactlyOnceWithItsLabel() {
		this.cluster = ClusterProcess.start().awaitReady();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			String scrape = scrape("text/plain;version=0.0.4");
			assertValidExposition(scrape);
			assertThat(series(scrape, "process_uptime_seconds{")).hasSize(2)
				.anyMatch((line) -> line.contains("worker=\"1\""))
				.anyMatch((line) -> line.contains("worker=\"2\""));
			assertThat(series(scrape, "cluster_workers{state=\"listening\"}")).singleElement()
				.satisfies((line) -> assertThat(line).endsWith(" 2.0"));
			assertThat(series(scrape, "cluster_scrape_worker_up{")).containsExactlyInAnyOrder(
					"cluster_scrape_worker_up{worker=\"1\"} 1", "cluster_scrape_worker_up{worker=\"2\"} 1");
		});
	}

	@Test
	void openMetricsScrapesAreMergedToo() {
		this.cluster = ClusterProcess.start().awaitReady();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			String scrape = scrape("application/openmetrics-text;version=1.0.0");
			assertThat(scrape).endsWith("# EOF\n");
			assertThat(scrape.lines().filter("# EOF"::equals)).hasSize(1);
			assertValidExposition(scrape);
			assertThat(series(scrape, "process_uptime_seconds{")).hasSize(2);
		});
	}

	@Test
	void aWorkerThatDoesNotAnswerInTimeIsShownMissing() {
		this.cluster = ClusterProcess.start("--cluster.metrics.scrape-timeout=500ms", "--cluster.worker.timeout=1h")
			.awaitReady();
		long stopped = this.cluster.workerPid(2);
		this.cluster.signal(stopped, "STOP");
		String scrape = scrapeFrom(1);
		assertThat(series(scrape, "cluster_scrape_worker_up{")).contains("cluster_scrape_worker_up{worker=\"2\"} 0",
				"cluster_scrape_worker_up{worker=\"1\"} 1");
		assertThat(series(scrape, "process_uptime_seconds{")).singleElement()
			.satisfies((line) -> assertThat(line).contains("worker=\"1\""));
		this.cluster.signal(stopped, "CONT");
	}

	private String scrape(String accept) {
		java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
		try {
			return client
				.send(java.net.http.HttpRequest
					.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.cluster.port() + "/actuator/prometheus"))
					.header("Accept", accept)
					.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	private String scrapeFrom(int workerId) {
		return this.cluster.requestText(workerId, "/actuator/prometheus");
	}

	private static List<String> series(String scrape, String prefix) {
		return scrape.lines().filter((line) -> line.startsWith(prefix)).toList();
	}

	/**
	 * Each family's HELP and TYPE appear once, and its samples follow them without another
	 * family in between.
	 */
	private static void assertValidExposition(String scrape) {
		List<String> types = scrape.lines().filter((line) -> line.startsWith("# TYPE ")).toList();
		assertThat(types).doesNotHaveDuplicates();
		List<String> helps = scrape.lines().filter((line) -> line.startsWith("# HELP ")).toList();
		assertThat(helps).doesNotHaveDuplicates();
		java.util.Set<String> finished = new java.util.HashSet<>();
		String current = null;
		for (String line : scrape.lines().toList()) {
			if (line.startsWith("# TYPE ") || line.startsWith("# HELP ") || line.startsWith("# UNIT ")) {
				String name = line.split(" ")[2];
				if (!name.equals(current)) {
					assertThat(finished).as("family %s appears twice", name).doesNotContain(name);
					if (current != null) {
						finished.add(current);
					}
					current = name;
				}
			}
		}
	}

}
