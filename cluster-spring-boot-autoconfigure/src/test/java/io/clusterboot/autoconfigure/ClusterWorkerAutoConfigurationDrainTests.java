package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.TomcatWebServerFactory;

import io.clusterboot.server.DrainLifecycle;
import io.clusterboot.server.LongLivedConnections;
import io.clusterboot.server.jetty.JettyDrainLifecycle;
import io.clusterboot.server.jetty.JettyWebSocketSessions;
import io.clusterboot.server.longlived.ReactiveEventStreamFilter;
import io.clusterboot.server.longlived.ReactiveWebSocketSessions;
import io.clusterboot.server.longlived.ServletEventStreamFilter;
import io.clusterboot.server.netty.NettyDrainLifecycle;
import io.clusterboot.server.tomcat.TomcatDrainLifecycle;
import io.clusterboot.server.tomcat.TomcatWebSocketSessions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the drain of a worker's web server configured by
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

	@Test
	void drainsJettyAndTellsServletLongLivedConnectionsToGoInAWorker() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1").run((context) -> {
			assertThat(context).hasSingleBean(JettyDrainLifecycle.class)
				.hasSingleBean(ServletEventStreamFilter.class)
				.hasSingleBean(TomcatWebSocketSessions.class)
				.hasSingleBean(JettyWebSocketSessions.class)
				.doesNotHaveBean(ReactiveEventStreamFilter.class)
				.doesNotHaveBean(ReactiveWebSocketSessions.class);
			assertThat(context.getBeansOfType(LongLivedConnections.class)).hasSize(3);
		});
	}

	@Test
	void drainsReactorNettyAndTellsReactiveLongLivedConnectionsToGoInAWorker() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
			.withPropertyValues("cluster.worker.id=1")
			.run((context) -> assertThat(context).hasSingleBean(NettyDrainLifecycle.class)
				.hasSingleBean(ReactiveEventStreamFilter.class)
				.hasSingleBean(ReactiveWebSocketSessions.class)
				.doesNotHaveBean(ServletEventStreamFilter.class)
				.doesNotHaveBean(TomcatWebSocketSessions.class));
	}

	@Test
	void disabledDrainTellsNothingToGo() {
		this.contextRunner.withPropertyValues("cluster.worker.id=1", "cluster.worker.drain.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DrainLifecycle.class)
				.doesNotHaveBean(LongLivedConnections.class));
	}

	@Test
	void immediateShutdownTellsNothingToGo() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerAutoConfiguration.class))
			.withPropertyValues("cluster.worker.id=1", "server.shutdown=immediate")
			.run((context) -> assertThat(context).doesNotHaveBean(DrainLifecycle.class)
				.doesNotHaveBean(LongLivedConnections.class));
	}

}
