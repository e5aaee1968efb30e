package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.clusterboot.state.ExitCause;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for stopping a {@link ClusterSupervisor}.
 */
class ClusterSupervisorStopTests {

	@Test
	void aStopQueuedBeforeStartMeansNoWorkerIsEverForked() {
		TestCluster cluster = new TestCluster(TestSettings.defaults());
		cluster.supervisor().stop();
		cluster.start();
		assertThat(cluster.processes().started()).isEmpty();
		assertThat(cluster.turn()).isFalse();
		cluster.advance(Duration.ofSeconds(10));
		assertThat(cluster.processes().started()).isEmpty();
		assertThat(cluster.supervisor().exitCode()).isZero();
	}

	@Test
	void aStopAsksEveryWorkerToStop() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		assertThat(cluster.turn()).isTrue();
		assertThat(cluster.snapshot().stopping()).isTrue();
		assertThat(cluster.workers()).allSatisfy((worker) -> {
			assertThat(worker.process().terminations()).isOne();
			assertThat(worker.process().kills()).isZero();
		});
	}

	@Test
	void exitsDuringTheStopArePlannedAndNotRestarted() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		cluster.turn();
		cluster.worker(1).exit(143);
		cluster.turn();
		cluster.worker(2).exit(1);
		assertThat(cluster.turn()).isFalse();
		assertThat(cluster.listener().exits()).allSatisfy((exited) -> {
			assertThat(exited.cause()).isEqualTo(ExitCause.STOPPED);
			assertThat(exited.exit().planned()).isTrue();
			assertThat(exited.restartDelay()).isNull();
		});
		cluster.advance(Duration.ofSeconds(10));
		assertThat(cluster.processes().started()).hasSize(2);
		assertThat(cluster.supervisor().exitCode()).isZero();
	}

	@Test
	void aSecondStopWithinTwoSecondsIsIgnored() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		cluster.turn();
		cluster.clock().advance(Duration.ofMillis(1999));
		cluster.supervisor().stop();
		cluster.turn();
		assertThat(cluster.workers()).allSatisfy((worker) -> {
			assertThat(worker.process().terminations()).isOne();
			assertThat(worker.process().kills()).isZero();
		});
	}

	@Test
	void aSecondStopTwoSecondsAfterTheFirstKillsTheRemainingWorkers() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		cluster.turn();
		cluster.worker(1).exit(143);
		cluster.turn();
		cluster.clock().advance(Duration.ofSeconds(2));
		cluster.supervisor().stop();
		cluster.turn();
		assertThat(cluster.worker(1).process().kills()).isZero();
		assertThat(cluster.worker(2).process().kills()).isOne();
		cluster.worker(2).exit(137);
		assertThat(cluster.turn()).isFalse();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.STOPPED);
	}

	@Test
	void aStopEndsARunningRollout() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.complete(cluster.supervisor().rollingRestart());
		TestWorker replacement = cluster.worker(1);
		cluster.supervisor().stop();
		cluster.turn();
		assertThat(cluster.snapshot().rollout().running()).isFalse();
		assertThat(replacement.process().terminations()).isOne();
		cluster.workers().forEach((worker) -> worker.exit(143));
		assertThat(cluster.turn()).isFalse();
		assertThat(cluster.processes().started()).hasSize(3);
	}

}
