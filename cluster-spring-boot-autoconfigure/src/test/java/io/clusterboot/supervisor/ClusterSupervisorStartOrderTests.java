package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the order in which {@link ClusterSupervisor} starts workers: one per two
 * processors at once, the next one each time one is ready.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterSupervisorStartOrderTests {

	@Test
	void withEnoughProcessorsEveryWorkerIsForkedAtOnce(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(4), TestCluster.ENOUGH_PROCESSORS)
			.start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2, 3, 4);
		assertThat(output).contains("Forked 4 workers sharing port 8080").doesNotContain("Forked 4 of");
	}

	@Test
	void workersBootOnePerTwoProcessors() {
		assertThat(ClusterSupervisor.bootConcurrency(0)).isOne();
		assertThat(ClusterSupervisor.bootConcurrency(1)).isOne();
		assertThat(ClusterSupervisor.bootConcurrency(2)).isOne();
		assertThat(ClusterSupervisor.bootConcurrency(3)).isOne();
		assertThat(ClusterSupervisor.bootConcurrency(4)).isEqualTo(2);
		assertThat(ClusterSupervisor.bootConcurrency(16)).isEqualTo(8);
	}

	@Test
	void withTwoProcessorsPerWorkerEveryWorkerIsForkedAtOnce(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(2), 4).start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		assertThat(output).contains("Forked 2 workers sharing port 8080").doesNotContain("Forked 2 of");
	}

	@Test
	void withTwoProcessorsTwoWorkersBootOneAfterTheOther(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(2), 2).start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1);
		assertThat(output).contains("Forked 1 of 2 workers sharing port 8080")
			.contains("the others start as these become ready, 1 at a time on 2 processors");
		cluster.worker(1).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
	}

	@Test
	void aSlotWaitingForItsTurnToBootDoesNotWakeTheLoop() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(2), 2).start();
		assertThat(cluster.workers()).hasSize(1);
		assertThat(cluster.supervisor().nextWakeupMillis()).as("waits for a command, not spinning")
			.isEqualTo(ClusterSupervisor.TICK_MILLIS);
		cluster.worker(1).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).hasSize(2);
	}

	@Test
	void bootConcurrencyChosenInThePropertiesWins(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3).bootConcurrency(2), 2).start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		assertThat(output).contains("the others start as these become ready, 2 at a time on 2 processors");
	}

	@Test
	void withFourProcessorsFourWorkersBootTwoAtATime(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(4), 4).start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		assertThat(output).contains("Forked 2 of 4 workers sharing port 8080")
			.contains("the others start as these become ready, 2 at a time on 4 processors");
		cluster.worker(2).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2, 3);
		cluster.worker(1).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2, 3, 4);
		assertThat(output).contains("Forked 4 workers sharing port 8080");
	}

	@Test
	void withOneProcessorWorkersBootOneAfterTheOther(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3), 1).start();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1);
		assertThat(output).contains("Forked 1 of 3 workers sharing port 8080")
			.contains("the others start as these become ready, 1 at a time on 1 processor")
			.doesNotContain("Forked 3 workers");
		cluster.worker(1).connect();
		cluster.turn();
		assertThat(cluster.workers()).as("online is not ready yet").hasSize(1);
		cluster.worker(1).listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		cluster.worker(2).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2, 3);
		assertThat(output).contains("Forked 3 workers sharing port 8080");
		cluster.worker(3).connect().listen();
		cluster.turn();
		assertThat(cluster.snapshot().listeningWorkers()).isEqualTo(3);
		assertThat(output).contains("Cluster ready: 3 workers listening");
	}

	@Test
	void aWorkerThatFailsToBootLetsTheNextOneStart() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(2), 1).start();
		cluster.worker(1).exit(1);
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		cluster.advance(Duration.ofSeconds(1));
		assertThat(cluster.workers(1)).as("slot 1 waits while worker 2 boots").hasSize(1);
		cluster.worker(2).connect().listen();
		cluster.turn();
		assertThat(cluster.workers(1)).hasSize(2);
		assertThat(cluster.info(cluster.worker(1)).state()).isEqualTo(WorkerState.FORKED);
	}

	@Test
	void workersThatCrashTogetherAreRestartedWithinTheSameLimit() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(2), 1).start();
		cluster.worker(1).connect().listen();
		cluster.turn();
		cluster.worker(2).connect().listen();
		cluster.turn();
		cluster.worker(1).exit(137);
		cluster.worker(2).exit(137);
		cluster.turn();
		cluster.advance(Duration.ofSeconds(1));
		assertThat(cluster.workers()).hasSize(3);
		TestWorker restarted = cluster.workers().get(2);
		restarted.connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).hasSize(4);
	}

	@Test
	void aStopWhileWorkersWaitToBeForkedForksNoMore() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3), 1).start();
		cluster.supervisor().stop();
		cluster.turn();
		cluster.worker(1).exit(143);
		cluster.turn();
		cluster.advance(Duration.ofSeconds(10));
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1);
	}

	@Test
	void scalingUpForksWithinTheSameLimit() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1), 1).start();
		cluster.worker(1).connect().listen();
		cluster.turn();
		cluster.complete(cluster.supervisor().scale(3));
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2);
		cluster.worker(2).connect().listen();
		cluster.turn();
		assertThat(cluster.workers()).extracting(TestWorker::id).containsExactly(1, 2, 3);
	}

}
