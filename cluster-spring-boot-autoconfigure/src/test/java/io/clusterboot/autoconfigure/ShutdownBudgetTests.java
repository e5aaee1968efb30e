package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ShutdownBudget}.
 */
class ShutdownBudgetTests {

	private final ClusterProperties properties = new ClusterProperties();

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void withTheDefaultsAStoppingWorkerMayTakeItsDrainAPhaseAndItsExit() {
		// 20s drain + 30s graceful phase + 5s to exit
		assertThat(budget().needed()).isEqualTo(Duration.ofSeconds(55));
		assertThat(budget().resolve(null)).isEqualTo(Duration.ofSeconds(55));
		assertThat(budget().check(null)).isNull();
	}

	@Test
	void theDrainIsCutShortByThePhaseTimeout() {
		this.properties.getWorker().getDrain().setTimeout(Duration.ofSeconds(60));
		this.environment.setProperty("spring.lifecycle.timeout-per-shutdown-phase", "10s");
		assertThat(budget().needed()).isEqualTo(Duration.ofSeconds(25));
	}

	@Test
	void withoutADrainOnlyThePhaseAndTheExitCount() {
		this.properties.getWorker().getDrain().setEnabled(false);
		assertThat(budget().needed()).isEqualTo(Duration.ofSeconds(35));
	}

	@Test
	void anImmediateShutdownHasNoDrain() {
		this.environment.setProperty("server.shutdown", "immediate");
		assertThat(budget().needed()).isEqualTo(Duration.ofSeconds(35));
	}

	@Test
	void anApplicationWithoutAWebServerHasNoDrain() {
		this.environment.setProperty("spring.main.web-application-type", "none");
		assertThat(budget().needed()).isEqualTo(Duration.ofSeconds(35));
	}

	@Test
	void aConfiguredTimeoutWins() {
		assertThat(budget().resolve(Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(90));
		assertThat(budget().check(Duration.ofSeconds(90))).isNull();
		assertThat(budget().check(Duration.ofSeconds(55))).isNull();
	}

	@Test
	void aConfiguredTimeoutTooShortIsExplainedWithWhatToChange() {
		assertThat(budget().check(Duration.ofSeconds(35))).isEqualTo("cluster.shutdown-timeout=35s is shorter than "
				+ "what a stopping worker may take: up to 20s draining off the port (cluster.worker.drain.timeout), "
				+ "up to 30s of graceful shutdown (spring.lifecycle.timeout-per-shutdown-phase) and 5s to exit, 55s "
				+ "in all; a worker still busy then is killed, and its requests with it. Set cluster.shutdown-timeout "
				+ "to at least 55s (or leave it unset: it then adds these up itself), or lower the others");
	}

	@Test
	void aTooShortTimeoutWithoutADrainDoesNotMentionIt() {
		this.properties.getWorker().getDrain().setEnabled(false);
		assertThat(budget().check(Duration.ofMillis(2500))).startsWith("cluster.shutdown-timeout=2500ms is shorter")
			.doesNotContain("draining")
			.contains("35s in all");
	}

	private ShutdownBudget budget() {
		return ShutdownBudget.of(this.properties, this.environment);
	}

}
