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
import java.util.concurrent.ExecutionException;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

import io.clusterboot.ipc.Frames;
import io.clusterboot.supervisor.ClusterSnapshot;
import io.clusterboot.worker.WorkerRuntime;

/**
 * The Prometheus scrape of a whole cluster, answered by whichever worker gets the
 * request: its own series, and those of every other live worker gathered through the
 * master within {@code cluster.metrics.scrape-timeout}, each labelled with its
 * {@code worker}. A worker that does not answer in time is left out, and shows as
 * {@code cluster_scrape_worker_up{worker="n"} 0}. The protobuf format cannot be merged;
 * a scraper asking for it gets the text format.
 *
 * @since 0.1.0
 */
public class ClusterPrometheusScrapeEndpoint extends PrometheusScrapeEndpoint {

	private static final Log logger = LogFactory.getLog(ClusterPrometheusScrapeEndpoint.class);

	private final WorkerRuntime runtime;

	private final Duration timeout;

	/**
	 * Create an endpoint.
	 * @param prometheusRegistry this worker's registry
	 * @param exporterProperties properties of Prometheus' exposition formats
	 * @param runtime the worker's link to its master
	 * @param timeout how long to wait for the other workers
	 */
	public ClusterPrometheusScrapeEndpoint(PrometheusRegistry prometheusRegistry,
			@Nullable Properties exporterProperties, WorkerRuntime runtime, Duration timeout) {
		super(prometheusRegistry, exporterProperties);
		this.runtime = runtime;
		this.timeout = timeout;
		runtime.setScraper(this::scrapeForMaster);
	}

	@Override
	@ReadOperation(producesFrom = PrometheusOutputFormat.class)
	public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		PrometheusOutputFormat textFormat = (format == PrometheusOutputFormat.CONTENT_TYPE_PROTOBUF)
				? PrometheusOutputFormat.CONTENT_TYPE_004 : format;
		// Ask the others first, so that they scrape themselves while this worker does
		CompletableFuture<Frames.Reply> gathering = this.runtime.request(Frames.Request.Action.SCRAPE, null, null,
				textFormat.name(), includedNames, this.timeout.plusSeconds(1));
		String local = localScrape(textFormat, includedNames);
		Map<Integer, String> others = othersFrom(gathering);
		PrometheusTextMerger merger = new PrometheusTextMerger().add(local,
				String.valueOf(this.runtime.getWorkerId()), (name) -> true);
		List<String> up = new ArrayList<>();
		up.add(upSample(this.runtime.getWorkerId(), true));
		others.forEach((workerId, text) -> {
			if (text != null) {
				merger.add(text, String.valueOf(workerId),
						(name) -> !ClusterMetrics.PROMETHEUS_FAMILY_NAMES.contains(name));
			}
			up.add(upSample(workerId, text != null));
		});
		if (includedNames == null || includedNames.contains("cluster_scrape_worker_up")) {
			merger.add("cluster_scrape_worker_up",
					"Whether a worker's series are in this scrape (1) or it did not answer in time (0)", "gauge", up);
		}
		return new WebEndpointResponse<>(merger.merge().getBytes(StandardCharsets.UTF_8), textFormat);
	}

	private Map<Integer, String> othersFrom(CompletableFuture<Frames.Reply> gathering) {
		try {
			Frames.Reply reply = gathering.get();
			Map<Integer, String> scrapes = (reply.scrapes() != null) ? reply.scrapes() : Map.of();
			return new TreeMap<>(scrapes);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.debug("Could not gather the other workers' metrics", ex);
		}
		Map<Integer, String> missing = new TreeMap<>();
		ClusterSnapshot state = this.runtime.getState();
		if (state != null) {
			state.workers()
				.stream()
				.filter((worker) -> worker.id() != this.runtime.getWorkerId())
				.forEach((worker) -> missing.put(worker.id(), null));
		}
		return missing;
	}

	private String scrapeForMaster(Frames.Request request) {
		PrometheusOutputFormat format = PrometheusOutputFormat.valueOf(request.format());
		return localScrape(format, request.names());
	}

	private String localScrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		byte[] body = super.scrape(format, includedNames).getBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

	private static String upSample(int workerId, boolean up) {
		return "cluster_scrape_worker_up{worker=\"" + workerId + "\"} " + (up ? "1" : "0");
	}

}
