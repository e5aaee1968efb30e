package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot spares ({@code cluster.worker.spares}): booted once every slot serves, promoted
 * into the next slot that needs a worker, never promoted across a rolling restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterSupervisorSpareTests {

	@Test
	void aSpareBootsOnlyOnceEverySlotServes() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().spares(1));
		cluster.start();
		cluster.turn();
		assertThat(cluster.workers()).hasSize(2);
		cluster.workers().forEach((worker) -> worker.connect().listen());
		cluster.turn();
		assertThat(cluster.spares()).singleElement().satisfies((spare) -> {
			assertThat(spare.id()).as("launched above cluster.max-workers (8), for its own ports").isEqualTo(9);
			assertThat(cluster.info(spare).id()).isZero();
			assertThat(cluster.info(spare).state()).isEqualTo(WorkerState.FORKED);
		});
	}

	@Test
	void aSpareThatStandsByIsNotCapacity(CapturedOutput output) {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		assertThat(cluster.info(spare).state()).isEqualTo(WorkerState.SPARE);
		assertThat(cluster.snapshot().listeningWorkers()).isEqualTo(2);
		assertThat(cluster.snapshot().targetWorkers()).isEqualTo(2);
		assertThat(WorkerInfo.label(0, spare.pid())).isEqualTo("spare (pid " + spare.pid() + ")");
		assertThat(output).contains("A spare worker (pid " + spare.pid() + ") stands by");
		assertThat(cluster.listener().events()).contains("forked spare (pid " + spare.pid() + ")",
				"online spare (pid " + spare.pid() + ")");
	}

	@Test
	void aWorkerThatDiesIsReplacedByTheSpareAtOnceInsteadOfANewProcess(CapturedOutput output) {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		int started = cluster.workers().size();
		cluster.worker(1).exit(137);
		cluster.turn();
		assertThat(spare.promotions()).as("promoted without the restart delay").containsExactly(1);
		assertThat(cluster.listener().lastExit().restartDelay()).isZero();
		assertThat(output).contains("exited: killed by SIGKILL (perhaps out of memory: the kernel's OOM killer "
				+ "sends SIGKILL), and the spare standing by takes its place at once");
		assertThat(cluster.workers()).as("no process started while the promoted spare starts").hasSize(started);
		assertThat(cluster.info(spare).id()).isEqualTo(1);
		spare.listen();
		cluster.turn();
		assertThat(cluster.snapshot().worker(1)).hasValueSatisfying((worker) -> {
			assertThat(worker.pid()).isEqualTo(spare.pid());
			assertThat(worker.state()).isEqualTo(WorkerState.LISTENING);
		});
		assertThat(cluster.spares()).as("a new spare boots once the promoted one serves").hasSize(2);
	}

	@Test
	void aSlotThatCrashesAgainWaitsForItsRestartDelayBeforeTheNextSpare() {
		TestCluster cluster = servingWithSpare();
		TestWorker first = cluster.spares().get(0);
		cluster.worker(1).exit(137);
		cluster.turn();
		first.listen();
		cluster.turn();
		TestWorker second = cluster.spares().get(1);
		second.connect().standBy();
		cluster.turn();
		first.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().restartDelay()).as("a crash loop backs off")
			.isEqualTo(TestSettings.INITIAL_DELAY.multipliedBy(2));
		assertThat(second.promotions()).isEmpty();
		cluster.advance(TestSettings.INITIAL_DELAY.multipliedBy(2));
		assertThat(second.promotions()).containsExactly(1);
	}

	@Test
	void aSpareStillBootingIsNotPromoted() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().spares(1)).startServing();
		cluster.turn();
		TestWorker spare = cluster.spares().get(0);
		spare.connect();
		cluster.turn();
		cluster.worker(1).exit(137);
		cluster.turn();
		cluster.advance(TestSettings.INITIAL_DELAY);
		assertThat(spare.promotions()).isEmpty();
		assertThat(cluster.workers(1)).hasSize(2);
	}

	@Test
	void replacingOneWorkerPromotesTheSpareAsItsReplacement() {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		TestWorker old = cluster.worker(2);
		cluster.complete(cluster.supervisor().restart(2));
		assertThat(spare.promotions()).containsExactly(2);
		assertThat(old.process().terminations()).as("the old worker serves until the spare does").isZero();
		spare.listen();
		cluster.turn();
		assertThat(old.process().terminations()).isOne();
		assertThat(cluster.snapshot().worker(2)).hasValueSatisfying((worker) -> assertThat(worker.pid())
			.isEqualTo(spare.pid()));
	}

	@Test
	void scalingUpPromotesTheSpare() {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		cluster.complete(cluster.supervisor().scale(3));
		cluster.turn();
		assertThat(spare.promotions()).containsExactly(3);
		assertThat(cluster.workers(3)).isEmpty();
	}

	@Test
	void aRollingRestartStopsTheSpareAndNeverPromotesIt(CapturedOutput output) {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		cluster.complete(cluster.supervisor().rollingRestart());
		assertThat(spare.promotions()).isEmpty();
		assertThat(spare.process().terminations()).isOne();
		assertThat(output).contains("Stopping spare (pid " + spare.pid() + "): a rolling restart deploys");
		assertThat(cluster.workers(1)).as("slot 1 gets a new process").hasSize(2);
		spare.exit(143);
		cluster.turn();
		assertThat(cluster.listener().lastExit().exit().planned()).isTrue();
		for (int slot = 1; slot <= 2; slot++) {
			TestWorker old = cluster.workers(slot).get(0);
			cluster.worker(slot).connect().listen();
			cluster.turn();
			old.exit(143);
			cluster.turn();
		}
		assertThat(cluster.snapshot().rollout().running()).isFalse();
		assertThat(cluster.spares()).as("a new spare, of the new build, once the restart is done").hasSize(2);
	}

	@Test
	void aSpareThatWaitsLongerThanTheBootTimeoutIsNotKilled() {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		cluster.serveFor(cluster.settings().bootTimeout().plusMinutes(1));
		assertThat(spare.process().threadDumps()).isZero();
		assertThat(cluster.info(spare).state()).isEqualTo(WorkerState.SPARE);
	}

	@Test
	void aPromotedSpareHasTheBootTimeoutFromItsPromotion() {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		cluster.serveFor(cluster.settings().bootTimeout().plusMinutes(1));
		cluster.worker(1).exit(137);
		cluster.turn();
		cluster.advance(TestSettings.INITIAL_DELAY);
		assertThat(spare.promotions()).containsExactly(1);
		cluster.serveFor(Duration.ofSeconds(10));
		assertThat(spare.process().threadDumps()).isZero();
		cluster.serveFor(cluster.settings().bootTimeout());
		assertThat(spare.process().threadDumps()).isOne();
	}

	@Test
	void sparesThatFailBackOffAndStopAfterTheBootFailureLimit(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().spares(1)).startServing();
		cluster.turn();
		for (int failure = 1; failure <= 3; failure++) {
			assertThat(cluster.spares()).hasSize(failure);
			cluster.spares().get(failure - 1).exit(1);
			cluster.turn();
			cluster.advance(TestSettings.MAX_DELAY);
		}
		assertThat(cluster.spares()).hasSize(3);
		assertThat(output).contains("3 spares in a row failed before they were promoted");
		assertThat(cluster.snapshot().listeningWorkers()).isEqualTo(2);
	}

	@Test
	void stoppingTheClusterStopsTheSpare() {
		TestCluster cluster = servingWithSpare();
		TestWorker spare = cluster.spares().get(0);
		cluster.supervisor().stop();
		cluster.turn();
		assertThat(spare.process().terminations()).isOne();
		cluster.workers().forEach((worker) -> worker.exit(143));
		assertThat(cluster.turn()).isFalse();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.STOPPED);
	}

	private static TestCluster servingWithSpare() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().spares(1)).startServing();
		cluster.turn();
		TestWorker spare = cluster.spares().get(0);
		spare.connect().standBy();
		cluster.turn();
		return cluster;
	}

}
