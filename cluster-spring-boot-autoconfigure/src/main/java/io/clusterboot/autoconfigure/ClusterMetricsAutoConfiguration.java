package io.clusterboot.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.ConditionalOnEnabledMetricsExport;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.clusterboot.actuate.metrics.ClusterMetrics;
import io.clusterboot.actuate.metrics.ClusterPrometheusScrapeEndpoint;
import io.clusterboot.actuate.metrics.WorkerTagMeterFilter;
import io.clusterboot.worker.MasterLink;

/**
 * Auto-configuration of a worker's metrics: the cluster-wide {@code cluster.*} meters, a
 * {@code worker} tag on every other meter, and a Prometheus scrape that covers every
 * worker.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class, before = PrometheusMetricsExportAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(MasterLink.class)
public final class ClusterMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClusterMetrics clusterMetrics(MasterLink runtime) {
		return new ClusterMetrics(runtime);
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerTagMeterFilter workerTagMeterFilter(MasterLink runtime) {
		return new WorkerTagMeterFilter(runtime::getWorkerId);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ PrometheusScrapeEndpoint.class, PrometheusRegistry.class,
			ConditionalOnAvailableEndpoint.class })
	@ConditionalOnEnabledMetricsExport("prometheus")
	@ConditionalOnAvailableEndpoint(PrometheusScrapeEndpoint.class)
	static class PrometheusConfiguration {

		@Bean
		@ConditionalOnMissingBean(PrometheusScrapeEndpoint.class)
		ClusterPrometheusScrapeEndpoint prometheusEndpoint(PrometheusRegistry prometheusRegistry,
				ObjectProvider<PrometheusConfig> prometheusConfig,
				MasterLink runtime, ClusterProperties properties) {
			PrometheusConfig config = prometheusConfig.getIfAvailable();
			return new ClusterPrometheusScrapeEndpoint(prometheusRegistry,
					(config != null) ? config.prometheusProperties() : null, runtime,
					properties.getMetrics().getScrapeTimeout());
		}

	}

}
