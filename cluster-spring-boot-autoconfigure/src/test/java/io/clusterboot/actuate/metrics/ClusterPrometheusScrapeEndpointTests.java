package io.clusterboot.actuate.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;

import io.clusterboot.ipc.Frames;
import io.clusterboot.worker.WorkerRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ClusterPrometheusScrapeEndpoint}.
 */
class ClusterPrometheusScrapeEndpointTests {

	private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	private final WorkerRuntime runtime = mock(WorkerRuntime.class);

	@Test
	void takesTheClusterWideFamiliesFromTheAnsweringWorkerOnly() {
		this.registry.gauge("cluster.workers.target", 2);
		String scrape = scrape("""
				# HELP cluster_workers_target Number of workers the cluster should run
				# TYPE cluster_workers_target gauge
				cluster_workers_target 3.0
				""");
		assertThat(scrape.lines().filter((line) -> line.startsWith("cluster_workers_target")))
			.containsExactly("cluster_workers_target 2.0");
	}

	@Test
	void takesAUserFamilyWhoseNameStartsWithClusterFromEveryWorker() {
		this.registry.counter("cluster.orders", "worker", "1").increment();
		String scrape = scrape("""
				# HELP cluster_orders_total
				# TYPE cluster_orders_total counter
				cluster_orders_total{worker="2"} 5.0
				""");
		assertThat(scrape.lines().filter((line) -> line.startsWith("cluster_orders_total")))
			.containsExactly("cluster_orders_total{worker=\"1\"} 1.0", "cluster_orders_total{worker=\"2\"} 5.0");
	}

	@Test
	void showsWhichWorkerGivesAFamilyAnotherType() {
		this.registry.gauge("queue.size", 3);
		String scrape = scrape("""
				# HELP queue_size
				# TYPE queue_size counter
				queue_size 5.0
				""");
		assertThat(scrape.lines().filter((line) -> line.startsWith("queue_size")))
			.containsExactly("queue_size 3.0");
		assertThat(scrape.lines().filter((line) -> line.startsWith("cluster_scrape_type_conflict")))
			.containsExactly("cluster_scrape_type_conflict{family=\"queue_size\",worker=\"2\"} 1");
	}

	private String scrape(String otherWorker) {
		given(this.runtime.getWorkerId()).willReturn(1);
		given(this.runtime.request(any(), any(), any(), any(), any(), any())).willReturn(
				CompletableFuture.completedFuture(new Frames.Reply(1, 200, null, Map.of(2, otherWorker))));
		ClusterPrometheusScrapeEndpoint endpoint = new ClusterPrometheusScrapeEndpoint(
				this.registry.getPrometheusRegistry(), null, this.runtime, Duration.ofSeconds(1));
		byte[] body = endpoint.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, null).getBody();
		assertThat(body).isNotNull();
		return new String(body, StandardCharsets.UTF_8);
	}

}
