package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import io.clusterboot.supervisor.SupervisorSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClusterSettings}: the {@code cluster.*} properties as the supervisor
 * gets them.
 */
class ClusterSettingsTests {

	private final MockEnvironment environment = new MockEnvironment().withProperty("cluster.workers", "2");

	@Test
	void bootConcurrencyIsChosenByTheSupervisorByDefault() {
		assertThat(supervisor().bootConcurrency()).isZero();
	}

	@Test
	void bootConcurrencyIsBound() {
		this.environment.setProperty("cluster.worker.boot-concurrency", "3");
		assertThat(supervisor().bootConcurrency()).isEqualTo(3);
	}

	@Test
	void negativeBootConcurrencyIsRefusedNamingTheProperty() {
		this.environment.setProperty("cluster.worker.boot-concurrency", "-1");
		assertThatIllegalArgumentException().isThrownBy(this::supervisor)
			.withMessage("cluster.worker.boot-concurrency must be 0 (one per two processors) or more, not -1");
	}

	private SupervisorSettings supervisor() {
		return ClusterSettings.supervisor(ClusterSettings.bind(this.environment), Duration.ofSeconds(30));
	}

}
