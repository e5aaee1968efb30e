package io.clusterboot.actuate.metrics;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;
import io.clusterboot.worker.MasterLink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ClusterMetrics}.
 */
class ClusterMetricsTests {

	private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(new PrometheusConfig() {

		@Override
		public String get(String key) {
			return null;
		}

		@Override
		public Properties prometheusProperties() {
			Properties properties = new Properties();
			properties.setProperty("io.prometheus.exporter.includeCreatedTimestamps", "true");
			return properties;
		}

	});

	@BeforeEach
	@SuppressWarnings("unchecked")
	void bindToAClusterWithAListeningWorker() {
		MasterLink runtime = mock(MasterLink.class);
		Instant now = Instant.now();
		WorkerInfo worker = new WorkerInfo(1, 4242L, WorkerState.LISTENING, now, now, null, 8080, 0, null,
				new WorkerStats(0, 0, 0, 0, 0, -1, 0, 0, null, null), now, null, null);
		ClusterSnapshot snapshot = new ClusterSnapshot(4200L, now, 8080, 1, false, List.of(worker), List.of(), null, 16,
				ClusterCounters.NONE, now, "reuseport", null);
		given(runtime.getState()).willReturn(snapshot);
		new ClusterMetrics(runtime).bindTo(this.registry);
		ArgumentCaptor<Consumer<ClusterSnapshot>> listener = ArgumentCaptor.forClass(Consumer.class);
		then(runtime).should().addStateListener(listener.capture());
		listener.getValue().accept(snapshot);
	}

	@Test
	void meterNamesAreTheNamesOfTheRegisteredMeters() {
		assertThat(this.registry.getMeters()).extracting(Meter::getId)
			.extracting(Meter.Id::getName)
			.containsOnlyElementsOf(ClusterMetrics.METER_NAMES)
			.containsAll(ClusterMetrics.METER_NAMES);
	}

	@Test
	void prometheusFamilyNamesAreTheFamiliesOfEveryFormatAndThoseOfTheScrape() {
		Set<String> families = new HashSet<>();
		families.addAll(families(this.registry.scrape()));
		families.addAll(families(this.registry.scrape("application/openmetrics-text; version=1.0.0")));
		families.add("cluster_scrape_worker_up");
		families.add("cluster_scrape_type_conflict");
		assertThat(ClusterMetrics.PROMETHEUS_FAMILY_NAMES).containsExactlyInAnyOrderElementsOf(families);
	}

	private static List<String> families(String scrape) {
		return scrape.lines().filter((line) -> line.startsWith("# TYPE ")).map((line) -> line.split(" ")[2]).toList();
	}

}
