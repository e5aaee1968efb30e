package io.clusterboot.actuate.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerTagMeterFilter}.
 */
class WorkerTagMeterFilterTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	WorkerTagMeterFilterTests() {
		this.registry.config().meterFilter(new WorkerTagMeterFilter(3));
	}

	@Test
	void tagsAMeterWithTheWorker() {
		this.registry.counter("orders", "region", "eu");
		assertThat(this.registry.get("orders").counter().getId().getTags()).containsExactlyInAnyOrder(
				Tag.of("region", "eu"), Tag.of("worker", "3"));
	}

	@Test
	void leavesTheClusterWideMetersUntagged() {
		ClusterMetrics.METER_NAMES.forEach(this.registry::counter);
		assertThat(this.registry.getMeters()).hasSize(ClusterMetrics.METER_NAMES.size())
			.allSatisfy((meter) -> assertThat(meter.getId().getTags()).isEmpty());
	}

	@Test
	void tagsAUserMeterWhoseNameStartsWithCluster() {
		this.registry.counter("cluster.orders");
		assertThat(this.registry.get("cluster.orders").counter().getId().getTag("worker")).isEqualTo("3");
	}

	@Test
	void keepsAUsersWorkerTagAndTagsTheMeterWithTheClusterWorker() {
		this.registry.counter("jobs", "worker", "billing");
		assertThat(this.registry.get("jobs").counter().getId().getTags())
			.containsExactlyInAnyOrder(Tag.of("worker", "billing"), Tag.of("cluster.worker", "3"));
	}

}
