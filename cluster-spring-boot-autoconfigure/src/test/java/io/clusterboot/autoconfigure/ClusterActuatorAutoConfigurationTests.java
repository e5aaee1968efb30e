package io.clusterboot.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.clusterboot.actuate.endpoint.ClusterEndpoint;
import io.clusterboot.actuate.health.ClusterHealthIndicator;
import io.clusterboot.actuate.metrics.ClusterMetrics;
import io.clusterboot.actuate.metrics.ClusterPrometheusScrapeEndpoint;
import io.clusterboot.actuate.metrics.WorkerTagMeterFilter;
import io.clusterboot.internal.worker.WorkerRuntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for the auto-configurations of the {@code cluster} endpoint, health contributor
 * and metrics.
 */
class ClusterActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterEndpointAutoConfiguration.class,
				ClusterHealthContributorAutoConfiguration.class, ClusterMetricsAutoConfiguration.class,
				EndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
				PrometheusMetricsExportAutoConfiguration.class));

	@Test
	void endpointIsConfiguredWhenExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).hasSingleBean(ClusterEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void endpointBacksOffWhenItsAccessIsNone() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=cluster",
					"management.endpoint.cluster.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void endpointBacksOffWithoutActuator() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.withClassLoader(new FilteredClassLoader(ConditionalOnAvailableEndpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class));
	}

	@Test
	void endpointBacksOffForAUserDefinedEndpoint() {
		ClusterEndpoint userEndpoint = new ClusterEndpoint(null);
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.withBean(ClusterEndpoint.class, () -> userEndpoint)
			.run((context) -> assertThat(context).getBean(ClusterEndpoint.class).isSameAs(userEndpoint));
	}

	@Test
	void healthIndicatorIsConfiguredByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ClusterHealthIndicator.class)
			.hasBean("clusterHealthIndicator"));
	}

	@Test
	void healthIndicatorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.cluster.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void healthIndicatorBacksOffWithoutSpringBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void metricsAreConfiguredInAWorker() {
		this.contextRunner.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.run((context) -> assertThat(context).hasSingleBean(ClusterMetrics.class)
				.hasSingleBean(WorkerTagMeterFilter.class));
	}

	@Test
	void metricsBackOffOutsideAWorker() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ClusterMetrics.class)
			.doesNotHaveBean(WorkerTagMeterFilter.class));
	}

	@Test
	void metricsBackOffWithoutMicrometer() {
		this.contextRunner.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterMetrics.class));
	}

	@Test
	void aWorkersPrometheusScrapeCoversTheCluster() {
		this.contextRunner.withBean(WorkerRuntime.class, () -> mock(WorkerRuntime.class))
			.withPropertyValues("management.endpoints.web.exposure.include=prometheus")
			.run((context) -> assertThat(context).getBean(PrometheusScrapeEndpoint.class)
				.isInstanceOf(ClusterPrometheusScrapeEndpoint.class));
	}

	@Test
	void aSingleProcessKeepsSpringBootsPrometheusScrape() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=prometheus")
			.run((context) -> assertThat(context).getBean(PrometheusScrapeEndpoint.class)
				.isNotInstanceOf(ClusterPrometheusScrapeEndpoint.class));
	}

}
