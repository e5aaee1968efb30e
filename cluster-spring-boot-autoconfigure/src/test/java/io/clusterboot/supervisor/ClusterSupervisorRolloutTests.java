package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.WorkerState;
import io.clusterboot.supervisor.SupervisorSettings.Recycling;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the rolling replacements of {@link ClusterSupervisor}: restarts on request and
 * recycling.
 */
class ClusterSupervisorRolloutTests {

	@Test
	void aRollingRestartStartsWithAReplacementForTheFirstSlotOnly() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		RolloutStatus status = cluster.complete(cluster.supervisor().rollingRestart());
		assertThat(status.running()).isTrue();
		assertThat(status.pending()).containsExactly(1, 2);
		assertThat(cluster.workers(1)).hasSize(2);
		assertThat(cluster.workers(2)).hasSize(1);
		assertThat(cluster.workers(1).get(0).process().terminations()).isZero();
	}

	@Test
	void aReadyReplacementTakesTheSlotAndTheOldWorkerDrains() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker old = cluster.worker(1);
		cluster.complete(cluster.supervisor().rollingRestart());
		TestWorker replacement = cluster.worker(1);
		replacement.connect().listen();
		cluster.turn();
		assertThat(old.process().terminations()).isOne();
		assertThat(cluster.info(old).state()).isEqualTo(WorkerState.DISCONNECTING);
		assertThat(cluster.snapshot().worker(1)).hasValueSatisfying((info) -> {
			assertThat(info.pid()).isEqualTo(replacement.pid());
			assertThat(info.state()).isEqualTo(WorkerState.LISTENING);
		});
		assertThat(cluster.workers(2)).as("the next slot waits for the old worker's exit").hasSize(1);
	}

	@Test
	void aRollingRestartMovesToTheNextSlotOnceTheOldWorkerHasExited() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker old = cluster.worker(1);
		cluster.complete(cluster.supervisor().rollingRestart());
		cluster.worker(1).connect().listen();
		cluster.turn();
		old.exit(143);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.STOPPED);
		assertThat(cluster.listener().lastExit().exit().planned()).isTrue();
		assertThat(cluster.listener().lastExit().restartDelay()).isNull();
		assertThat(cluster.workers(2)).hasSize(2);
		assertThat(cluster.snapshot().rollout().replaced()).containsExactly(1);
		assertThat(cluster.snapshot().rollout().pending()).containsExactly(2);
	}

	@Test
	void aRollingRestartThatReplacedEverySlotIsComplete() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.complete(cluster.supervisor().rollingRestart());
		for (int slot = 1; slot <= 2; slot++) {
			TestWorker old = cluster.workers(slot).get(0);
			cluster.worker(slot).connect().listen();
			cluster.turn();
			old.exit(143);
			cluster.turn();
		}
		RolloutStatus rollout = cluster.snapshot().rollout();
		assertThat(rollout.running()).isFalse();
		assertThat(rollout.replaced()).containsExactly(1, 2);
		assertThat(rollout.failure()).isNull();
		ClusterCounters counters = cluster.snapshot().counters();
		assertThat(counters.rolloutsCompleted()).isOne();
		assertThat(counters.exits(ExitCause.STOPPED)).isEqualTo(2);
		assertThat(counters.restarts()).isZero();
		assertThat(cluster.snapshot().listeningWorkers()).isEqualTo(2);
	}

	@Test
	void aRollingRestartWhoseReplacementFailsToBootStopsAndTheOldWorkerKeepsServing() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker old = cluster.worker(1);
		cluster.complete(cluster.supervisor().rollingRestart());
		cluster.worker(1).exit(1);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.BOOT_FAILED);
		assertThat(cluster.listener().lastExit().restartDelay()).isNull();
		RolloutStatus rollout = cluster.snapshot().rollout();
		assertThat(rollout.running()).isFalse();
		assertThat(rollout.replaced()).isEmpty();
		assertThat(rollout.failure()).contains("the replacement for worker 1")
			.contains("failed to boot (exit code 1)")
			.contains("worker 1 (pid " + old.pid() + ") keeps serving");
		ClusterCounters counters = cluster.snapshot().counters();
		assertThat(counters.rolloutsFailed()).isOne();
		assertThat(counters.rolloutsCompleted()).isZero();
		assertThat(counters.exits(ExitCause.BOOT_FAILED)).isOne();
		cluster.serveFor(Duration.ofSeconds(5));
		assertThat(old.process().terminations()).isZero();
		assertThat(cluster.info(old).state()).isEqualTo(WorkerState.LISTENING);
		assertThat(cluster.workers(1)).hasSize(2);
		assertThat(cluster.workers(2)).hasSize(1);
	}

	@Test
	void aRestartOfOneWorkerReplacesThatWorkerOnly() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker old = cluster.worker(2);
		cluster.complete(cluster.supervisor().restart(2));
		cluster.worker(2).connect().listen();
		cluster.turn();
		old.exit(143);
		cluster.turn();
		assertThat(cluster.workers(1)).hasSize(1);
		assertThat(cluster.workers(2)).hasSize(2);
		assertThat(cluster.snapshot().rollout().replaced()).containsExactly(2);
		assertThat(cluster.snapshot().rollout().running()).isFalse();
	}

	@Test
	void aRestartOfAWorkerThatDoesNotExistFails() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		CompletableFuture<RolloutStatus> restart = cluster.supervisor().restart(3);
		cluster.turn();
		assertThat(restart).failsWithin(Duration.ZERO)
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(NoSuchWorkerException.class);
	}

	@Test
	void aSecondRollingRestartWhileOneRunsIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.complete(cluster.supervisor().rollingRestart());
		CompletableFuture<RolloutStatus> second = cluster.supervisor().rollingRestart();
		cluster.turn();
		assertThat(second).failsWithin(Duration.ZERO)
			.withThrowableOfType(Exception.class)
			.withCauseInstanceOf(ClusterBusyException.class);
	}

	@Test
	void aWorkerIsRecycledAfterMaxRequests() {
		TestCluster cluster = new TestCluster(
				TestSettings.defaults().workers(1).recycling(new Recycling(100, 0, null, null)))
			.startServing();
		TestWorker old = cluster.worker(1);
		assertThat(old.peer().sent(Frames.Welcome.class)).singleElement()
			.extracting(Frames.Welcome::requestLimit)
			.isEqualTo(100L);
		old.heartbeat(Heartbeats.served(99));
		cluster.turn();
		assertThat(cluster.workers(1)).hasSize(1);
		old.heartbeat(Heartbeats.served(100));
		cluster.turn();
		assertRecycled(cluster, old);
	}

	@Test
	void aWorkerIsRecycledWhenItsLiveHeapExceedsMaxMemoryOnceSettled() {
		TestCluster cluster = new TestCluster(
				TestSettings.defaults().workers(1).recycling(new Recycling(0, 0, DataSize.ofMegabytes(100), null)))
			.startServing();
		TestWorker old = cluster.worker(1);
		old.heartbeat(Heartbeats.liveHeap(DataSize.ofMegabytes(150)));
		cluster.turn();
		assertThat(cluster.workers(1)).as("not recycled before it has settled").hasSize(1);
		cluster.serveFor(Duration.ofSeconds(30));
		old.heartbeat(Heartbeats.liveHeap(DataSize.ofMegabytes(90)));
		cluster.turn();
		assertThat(cluster.workers(1)).hasSize(1);
		old.heartbeat(Heartbeats.liveHeap(DataSize.ofMegabytes(150)));
		cluster.turn();
		assertRecycled(cluster, old);
	}

	@Test
	void aWorkerIsRecycledWhenOlderThanMaxLifetime() {
		TestCluster cluster = new TestCluster(
				TestSettings.defaults().workers(1).recycling(new Recycling(0, 0, null, Duration.ofMinutes(2))))
			.startServing();
		TestWorker old = cluster.worker(1);
		cluster.serveFor(Duration.ofSeconds(119));
		assertThat(cluster.workers(1)).hasSize(1);
		cluster.serveFor(Duration.ofSeconds(1));
		assertRecycled(cluster, old);
	}

	/**
	 * A replacement has been started for a worker that reached a recycling limit: let it
	 * take over and check that the old one leaves as recycled.
	 */
	private static void assertRecycled(TestCluster cluster, TestWorker old) {
		assertThat(cluster.workers(old.id())).as("a replacement is started").hasSize(2);
		assertThat(cluster.snapshot().rollout().reason()).isEqualTo("recycling of worker " + old.id());
		assertThat(old.process().terminations()).as("the old worker serves until its replacement is ready")
			.isZero();
		cluster.worker(old.id()).connect().listen();
		cluster.turn();
		assertThat(old.process().terminations()).isOne();
		old.exit(143);
		cluster.turn();
		assertThat(cluster.listener().lastExit().worker().pid()).isEqualTo(old.pid());
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.RECYCLED);
		assertThat(cluster.listener().lastExit().exit().planned()).isTrue();
		assertThat(cluster.snapshot().counters().exits(ExitCause.RECYCLED)).isOne();
		assertThat(cluster.snapshot().counters().rolloutsCompleted()).isOne();
	}

}
