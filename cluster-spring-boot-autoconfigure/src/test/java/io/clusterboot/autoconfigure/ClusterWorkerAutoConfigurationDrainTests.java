package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;

import io.clusterboot.server.tomcat.TomcatDrainLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the drain of a worker's Tomcat configured by
 * {@link ClusterWorkerAutoConfiguration}.
 */
class ClusterWorkerAutoConfigurationDrainTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class));

	@Test
	void drainsTomcatInAWorker() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).hasSingleBean(TomcatDrainLifecycle.class));
	}

	@Test
	void doesNotDrainOutsideAWorker() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(TomcatDrainLifecycle.class));
	}

	@Test
	void doesNotDrainWhenTheServerShutsDownImmediately() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1", "server.shutdown=immediate")
			.run((context) -> assertThat(context).doesNotHaveBean(TomcatDrainLifecycle.class));
	}

	@Test
	void drainCanBeDisabled() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1", "cluster.worker.drain.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TomcatDrainLifecycle.class));
	}

	@Test
	void doesNotDrainWithoutTomcat() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withClassLoader(new FilteredClassLoader(TomcatWebServerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TomcatDrainLifecycle.class));
	}

	@Test
	void drainBacksOffForAUserBean() {
		TomcatDrainLifecycle userDrain = new TomcatDrainLifecycle(() -> null, Duration.ZERO, Duration.ZERO);
		this.contextRunner.withPropertyValues("cluster.worker.id=1")
			.withBean(TomcatDrainLifecycle.class, () -> userDrain)
			.run((context) -> assertThat(context).getBean(TomcatDrainLifecycle.class).isSameAs(userDrain));
	}

	@Test
	void drainTimeoutsAreBound() {
		this.contextRunner
			.withPropertyValues("cluster.worker.id=1", "cluster.worker.drain.timeout=7s",
					"cluster.worker.drain.idle-timeout=250ms")
			.run((context) -> {
				ClusterProperties.Worker.Drain drain = context.getBean(ClusterProperties.class).getWorker().getDrain();
				assertThat(drain.getTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(drain.getIdleTimeout()).isEqualTo(Duration.ofMillis(250));
			});
	}

}
