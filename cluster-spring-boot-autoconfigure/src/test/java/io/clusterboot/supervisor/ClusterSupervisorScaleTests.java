package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.SlotInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the number of workers a {@link ClusterSupervisor} runs.
 */
class ClusterSupervisorScaleTests {

	@Test
	void theFirstStartForksOneWorkerPerSlot() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).start();
		assertThat(cluster.processes().started()).extracting(FakeWorkerProcess::workerId).containsExactly(1, 2, 3);
		assertThat(cluster.processes().started()).allSatisfy((process) -> {
			assertThat(process.environment()).containsEntry("CLUSTER_WORKER_ID", Integer.toString(process.workerId()));
			assertThat(process.secret()).isNotBlank();
		});
		assertThat(cluster.processes().started()).extracting(FakeWorkerProcess::secret).doesNotHaveDuplicates();
		assertThat(cluster.listener().events()).hasSize(3).allMatch((event) -> event.startsWith("forked "));
	}

	@Test
	void initialWorkersAboveMaxWorkersAreCapped() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(5).maxWorkers(3)).start();
		assertThat(cluster.processes().started()).hasSize(3);
		assertThat(cluster.snapshot().targetWorkers()).isEqualTo(3);
		assertThat(cluster.snapshot().slots()).extracting(SlotInfo::id).containsExactly(1, 2, 3);
	}

	@Test
	void scalingOutForksNewSlots() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		ClusterSnapshot snapshot = cluster.complete(cluster.supervisor().scale(4));
		assertThat(snapshot.targetWorkers()).isEqualTo(4);
		assertThat(cluster.processes().started()).extracting(FakeWorkerProcess::workerId).containsExactly(1, 2, 3, 4);
		assertThat(cluster.workers()).allSatisfy((worker) -> assertThat(worker.process().terminations()).isZero());
	}

	@Test
	void scalingInStopsTheWorkersOfTheHighestSlots() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		ClusterSnapshot snapshot = cluster.complete(cluster.supervisor().scale(1));
		assertThat(snapshot.targetWorkers()).isEqualTo(1);
		assertThat(snapshot.slots()).extracting(SlotInfo::id).containsExactly(1);
		assertThat(cluster.worker(1).process().terminations()).isZero();
		assertThat(cluster.worker(2).process().terminations()).isOne();
		assertThat(cluster.worker(3).process().terminations()).isOne();
		cluster.worker(2).exit(143);
		cluster.worker(3).exit(0);
		cluster.turn();
		assertThat(cluster.listener().exits()).hasSize(2).allSatisfy((exited) -> {
			assertThat(exited.cause()).isEqualTo(ExitCause.STOPPED);
			assertThat(exited.restartDelay()).isNull();
		});
		cluster.advance(Duration.ofSeconds(10));
		assertThat(cluster.processes().started()).hasSize(3);
		assertThat(cluster.snapshot().workers()).hasSize(1);
	}

	@Test
	void scalingOutsideOneToMaxWorkersIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().maxWorkers(4)).startServing();
		CompletableFuture<ClusterSnapshot> none = cluster.supervisor().scale(0);
		CompletableFuture<ClusterSnapshot> tooMany = cluster.supervisor().scale(5);
		cluster.turn();
		assertThat(none).failsWithin(Duration.ZERO)
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(IllegalArgumentException.class);
		assertThat(tooMany).failsWithin(Duration.ZERO)
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(IllegalArgumentException.class)
			.withMessageContaining("the cluster runs 1..4 (cluster.max-workers)");
		assertThat(cluster.snapshot().targetWorkers()).isEqualTo(2);
	}

	@Test
	void scalingWhileTheClusterStopsIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		CompletableFuture<ClusterSnapshot> scale = cluster.supervisor().scale(3);
		cluster.turn();
		assertThat(scale).failsWithin(Duration.ZERO)
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(ClusterBusyException.class);
		assertThat(cluster.processes().started()).hasSize(2);
	}

}
