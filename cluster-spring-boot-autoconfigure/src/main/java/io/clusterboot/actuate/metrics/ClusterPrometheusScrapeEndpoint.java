package io.clusterboot.actuate.metrics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.worker.MasterLink;

/**
 * The Prometheus scrape of a whole cluster, answered by whichever worker gets the
 * request: its own series, and those of every other live worker gathered through the
 * master within {@code cluster.metrics.scrape-timeout}, each labelled with its
 * {@code worker}. Every worker of the cluster whose metrics are not in the answer (it did
 * not answer in time, or its metrics could not be had) shows as
 * {@code cluster_scrape_worker_up{worker="n"} 0}: a scrape never leaves a worker out
 * silently. The protobuf format cannot be merged;
 * a scraper asking for it gets the text format.
 *
 * @since 0.1.0
 */
public class ClusterPrometheusScrapeEndpoint extends PrometheusScrapeEndpoint {

	private final MasterLink master;

	private final Duration timeout;

	/**
	 * Create an endpoint.
	 * @param prometheusRegistry this worker's registry
	 * @param exporterProperties properties of Prometheus' exposition formats
	 * @param master the worker's link to its master
	 * @param timeout how long to wait for the other workers
	 */
	public ClusterPrometheusScrapeEndpoint(PrometheusRegistry prometheusRegistry,
			@Nullable Properties exporterProperties, MasterLink master, Duration timeout) {
		super(prometheusRegistry, exporterProperties);
		this.master = master;
		this.timeout = timeout;
		master.setScraper((format, names) -> localScrape(PrometheusOutputFormat.valueOf(format), names));
	}

	@Override
	@ReadOperation(producesFrom = PrometheusOutputFormat.class)
	public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		PrometheusOutputFormat textFormat = (format == PrometheusOutputFormat.CONTENT_TYPE_PROTOBUF)
				? PrometheusOutputFormat.CONTENT_TYPE_004 : format;
		// Ask the others first, so that they scrape themselves while this worker does
		CompletableFuture<Map<Integer, @Nullable String>> gathering = this.master.scrapeOthers(textFormat.name(),
				includedNames, this.timeout.plusSeconds(1));
		String local = localScrape(textFormat, includedNames);
		int self = this.master.getWorkerId();
		PrometheusTextMerger merger = new PrometheusTextMerger().add(local, String.valueOf(self), (name) -> true);
		List<String> up = new ArrayList<>();
		up.add(upSample(self, true));
		others(gathering.join(), self).forEach((workerId, text) -> {
			if (text != null) {
				merger.add(text, String.valueOf(workerId),
						(name) -> !ClusterMetrics.PROMETHEUS_FAMILY_NAMES.contains(name));
			}
			up.add(upSample(workerId, text != null));
		});
		if (includedNames == null || includedNames.contains("cluster_scrape_worker_up")) {
			merger.add("cluster_scrape_worker_up",
					"Whether a worker's series are in this scrape (1) or could not be had (0)", "gauge", up);
		}
		return new WebEndpointResponse<>(merger.merge().getBytes(StandardCharsets.UTF_8), textFormat);
	}

	/**
	 * What the others answered, and {@code null} for every other worker of the cluster
	 * that the answer lacks.
	 */
	private Map<Integer, @Nullable String> others(Map<Integer, @Nullable String> answered, int self) {
		Map<Integer, @Nullable String> others = new TreeMap<>(answered);
		ClusterSnapshot state = this.master.getState();
		if (state != null) {
			for (WorkerInfo worker : state.workers()) {
				if (worker.id() != self) {
					others.putIfAbsent(worker.id(), null);
				}
			}
		}
		others.remove(self);
		return others;
	}

	private String localScrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		byte[] body = super.scrape(format, includedNames).getBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

	private static String upSample(int workerId, boolean up) {
		return "cluster_scrape_worker_up{worker=\"" + workerId + "\"} " + (up ? "1" : "0");
	}

}
