package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterAutoConfiguration}.
 */
class ClusterAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class));

	@Test
	void propertiesHaveTheirDefaults() {
		this.contextRunner.run((context) -> {
			ClusterProperties properties = context.getBean(ClusterProperties.class);
			assertThat(properties.getWorkers()).isNull();
			assertThat(properties.getMaxWorkers()).isNull();
			assertThat(properties.getShutdownTimeout()).isNull();
			assertThat(properties.getWorker().getJvmArgs()).isEmpty();
			assertThat(properties.getWorker().isExitOnOutOfMemoryError()).isTrue();
			assertThat(properties.getWorker().isHeapShare()).isTrue();
			assertThat(properties.getWorker().getBootTimeout()).isEqualTo(Duration.ofMinutes(3));
			assertThat(properties.getWorker().getTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getWorker().getHeartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getRestart().getInitialDelay()).isEqualTo(Duration.ofMillis(100));
			assertThat(properties.getRestart().getMultiplier()).isEqualTo(1.5);
			assertThat(properties.getRestart().getMaxDelay()).isEqualTo(Duration.ofSeconds(15));
			assertThat(properties.getRestart().getResetAfter()).isEqualTo(Duration.ofSeconds(30));
			assertThat(properties.getRestart().getMaxBootFailures()).isEqualTo(3);
			assertThat(properties.getIpc().getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(4));
		});
	}

	@Test
	void numberOfWorkersIsBound() {
		this.contextRunner.withPropertyValues("cluster.workers=3", "cluster.max-workers=12")
			.run((context) -> {
				ClusterProperties properties = context.getBean(ClusterProperties.class);
				assertThat(properties.getWorkers()).isEqualTo(WorkerCount.of(3));
				assertThat(properties.getMaxWorkers()).isEqualTo(12);
			});
	}

	@Test
	void autoWorkersIsBound() {
		this.contextRunner.withPropertyValues("cluster.workers=auto")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getWorkers().isAuto()).isTrue());
	}

	@Test
	void malformedNumberOfWorkersFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("cluster.workers=lots").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'lots' is not a number of workers");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("cluster.workers");
		});
	}

	@Test
	void durationsAreBound() {
		this.contextRunner
			.withPropertyValues("cluster.shutdown-timeout=1m", "cluster.worker.boot-timeout=90s",
					"cluster.worker.timeout=10s", "cluster.worker.heartbeat-interval=250ms",
					"cluster.restart.initial-delay=200ms", "cluster.restart.max-delay=1m",
					"cluster.restart.reset-after=2m")
			.run((context) -> {
				ClusterProperties properties = context.getBean(ClusterProperties.class);
				assertThat(properties.getShutdownTimeout()).isEqualTo(Duration.ofMinutes(1));
				assertThat(properties.getWorker().getBootTimeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.getWorker().getTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getWorker().getHeartbeatInterval()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getRestart().getInitialDelay()).isEqualTo(Duration.ofMillis(200));
				assertThat(properties.getRestart().getMaxDelay()).isEqualTo(Duration.ofMinutes(1));
				assertThat(properties.getRestart().getResetAfter()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void durationWithoutUnitIsInMilliseconds() {
		this.contextRunner.withPropertyValues("cluster.worker.heartbeat-interval=500")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getWorker().getHeartbeatInterval())
				.isEqualTo(Duration.ofMillis(500)));
	}

	@Test
	void jvmArgsAreBoundFromACommaSeparatedList() {
		this.contextRunner.withPropertyValues("cluster.worker.jvm-args=-Xss512k,-Dfoo=bar")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getWorker().getJvmArgs())
				.containsExactly("-Xss512k", "-Dfoo=bar"));
	}

	@Test
	void jvmArgsWithCommasAreBoundFromIndexedProperties() {
		this.contextRunner
			.withPropertyValues("cluster.worker.jvm-args[0]=-XX:StartFlightRecording=duration=30s,filename=w.jfr",
					"cluster.worker.jvm-args[1]=-Xss512k")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getWorker().getJvmArgs())
				.containsExactly("-XX:StartFlightRecording=duration=30s,filename=w.jfr", "-Xss512k"));
	}

	@Test
	void workerSwitchesAreBound() {
		this.contextRunner
			.withPropertyValues("cluster.worker.exit-on-out-of-memory-error=false", "cluster.worker.heap-share=false")
			.run((context) -> {
				ClusterProperties properties = context.getBean(ClusterProperties.class);
				assertThat(properties.getWorker().isExitOnOutOfMemoryError()).isFalse();
				assertThat(properties.getWorker().isHeapShare()).isFalse();
			});
	}

	@Test
	void restartPolicyIsBound() {
		this.contextRunner.withPropertyValues("cluster.restart.multiplier=2", "cluster.restart.max-boot-failures=5")
			.run((context) -> {
				ClusterProperties properties = context.getBean(ClusterProperties.class);
				assertThat(properties.getRestart().getMultiplier()).isEqualTo(2.0);
				assertThat(properties.getRestart().getMaxBootFailures()).isEqualTo(5);
			});
	}

	@Test
	void maxFrameSizeIsBoundAsADataSize() {
		this.contextRunner.withPropertyValues("cluster.ipc.max-frame-size=1MB")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getIpc().getMaxFrameSize())
				.isEqualTo(DataSize.ofMegabytes(1)));
	}

	@Test
	void maxFrameSizeWithoutUnitIsInBytes() {
		this.contextRunner.withPropertyValues("cluster.ipc.max-frame-size=65536")
			.run((context) -> assertThat(context.getBean(ClusterProperties.class).getIpc().getMaxFrameSize())
				.isEqualTo(DataSize.ofKilobytes(64)));
	}

	@Test
	void defaultMaxWorkersIsFourPerProcessorAndAtLeastSixteen() {
		assertThat(ClusterProperties.defaultMaxWorkers())
			.isEqualTo(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
	}

}
