package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for how {@link ClusterSupervisor} restarts workers that exit unplanned, and when
 * it gives up instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterSupervisorRestartTests {

	private static final Duration MS = Duration.ofMillis(1);

	@Test
	void repeatedCrashesWaitLongerEachTimeUpToTheMaximumDelay() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		List<Duration> delays = new ArrayList<>();
		for (int crash = 1; crash <= 6; crash++) {
			Duration delay = crashAndRestart(cluster);
			delays.add(delay);
		}
		assertThat(delays).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
				Duration.ofMillis(800), Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(cluster.listener().exits()).extracting(RecordingSupervisorListener.Exited::cause)
			.containsOnly(ExitCause.CRASHED);
		assertThat(cluster.slot(1).restarts()).isEqualTo(6);
		assertThat(cluster.snapshot().counters().restarts()).isEqualTo(6);
	}

	@Test
	void aRestartWaitsForItsDelayAndNoLonger() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		cluster.worker(1).exit(1);
		cluster.turn();
		cluster.advance(Duration.ofMillis(99));
		assertThat(cluster.workers(1)).hasSize(1);
		assertThat(cluster.slot(1).nextStartAt()).isEqualTo(cluster.clock().now().plus(MS));
		cluster.advance(MS);
		assertThat(cluster.workers(1)).hasSize(2);
		assertThat(cluster.slot(1).nextStartAt()).isNull();
	}

	@Test
	void aWorkerThatServedForResetAfterIsRestartedAfterTheInitialDelayAgain() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		crashAndRestart(cluster);
		crashAndRestart(cluster);
		crashAndRestart(cluster);
		cluster.serveFor(Duration.ofSeconds(30));
		assertThat(crashAndRestart(cluster)).isEqualTo(TestSettings.INITIAL_DELAY);
	}

	@Test
	void aWorkerThatServedLessThanResetAfterKeepsTheBackoffGrowing() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		crashAndRestart(cluster);
		crashAndRestart(cluster);
		crashAndRestart(cluster);
		cluster.serveFor(Duration.ofSeconds(29));
		assertThat(crashAndRestart(cluster)).isEqualTo(Duration.ofMillis(800));
	}

	@Test
	void aSlotThatFailsToBootMaxBootFailuresTimesAtTheFirstStartStopsTheCluster(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		failToBoot(cluster, 1);
		assertThat(cluster.listener().lastExit().restartDelay()).isEqualTo(Duration.ofMillis(100));
		cluster.advance(Duration.ofMillis(100));
		failToBoot(cluster, 1);
		assertThat(cluster.listener().lastExit().restartDelay()).isEqualTo(Duration.ofMillis(200));
		cluster.advance(Duration.ofMillis(200));
		assertThat(cluster.snapshot().stopping()).isFalse();
		TestWorker third = failToBoot(cluster, 1);
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.BOOT_FAILED);
		assertThat(cluster.listener().lastExit().restartDelay()).isNull();
		assertThat(cluster.snapshot().stopping()).isTrue();
		assertThat(cluster.supervisor().exitCode()).isEqualTo(1);
		assertThat(output).contains("Worker 1 failed to boot 3 times in a row; the last attempt (pid " + third.pid()
				+ ") failed to boot (exit code 1) before it was ready");
		assertThat(cluster.worker(2).process().terminations()).isOne();
		cluster.worker(2).exit(143);
		assertThat(cluster.turn()).isFalse();
		cluster.advance(Duration.ofSeconds(10));
		assertThat(cluster.workers(1)).hasSize(3);
	}

	@Test
	void aWorkerKilledBySigkillWhileBootingIsKilledAndDoesNotCountAsAFailedBoot() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).start();
		failToBoot(cluster, 1);
		cluster.advance(Duration.ofMillis(100));
		failToBoot(cluster, 1);
		cluster.advance(Duration.ofMillis(200));
		for (int kill = 0; kill < 5; kill++) {
			cluster.worker(1).exit(137);
			cluster.turn();
			assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.KILLED);
			assertThat(cluster.listener().lastExit().exit().signal()).isEqualTo("KILL");
			cluster.advance(cluster.listener().lastExit().restartDelay());
		}
		assertThat(cluster.snapshot().stopping()).isFalse();
		assertThat(cluster.slot(1).failedBoots()).isEqualTo(2);
		assertThat(cluster.workers(1)).hasSize(8);
	}

	@Test
	void aWorkerThatCannotBeStartedCountsAsAFailedBoot(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1));
		cluster.processes().failNextStarts(1);
		cluster.start();
		assertThat(cluster.processes().started()).isEmpty();
		assertThat(cluster.slot(1).failedBoots()).isOne();
		assertThat(output).contains("Worker 1 could not be started (Cannot run program \"java\"")
			.contains("trying again in 100ms");
		cluster.advance(Duration.ofMillis(100));
		assertThat(cluster.workers(1)).hasSize(1);
	}

	@Test
	void afterServingASlotThatCannotBootBacksOffWhileTheOtherWorkerKeepsServing() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker first = cluster.worker(1);
		cluster.worker(2).exit(1);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.CRASHED);
		List<Duration> delays = new ArrayList<>();
		for (int failure = 1; failure <= 5; failure++) {
			cluster.advance(cluster.listener().lastExit().restartDelay());
			failToBoot(cluster, 2);
			Duration delay = cluster.listener().lastExit().restartDelay();
			delays.add(delay);
			SlotInfo slot = cluster.slot(2);
			assertThat(slot.failedBoots()).isEqualTo(failure);
			assertThat(slot.nextStartAt()).isEqualTo(cluster.clock().now().plus(delay));
		}
		assertThat(delays).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800),
				Duration.ofSeconds(1), Duration.ofSeconds(1));
		assertThat(cluster.snapshot().stopping()).isFalse();
		assertThat(cluster.snapshot().failingSlots()).extracting(SlotInfo::id).containsExactly(2);
		assertThat(cluster.info(first).state()).isEqualTo(WorkerState.LISTENING);
		assertThat(first.process().terminations()).isZero();
	}

	@Test
	void afterServingAFailingSlotRecoversWhenAWorkerFinallyBecomesReady(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.worker(2).exit(1);
		cluster.turn();
		for (int failure = 1; failure <= 4; failure++) {
			cluster.advance(cluster.listener().lastExit().restartDelay());
			failToBoot(cluster, 2);
		}
		cluster.advance(cluster.listener().lastExit().restartDelay());
		TestWorker recovered = cluster.worker(2);
		recovered.connect().listen();
		cluster.turn();
		assertThat(cluster.slot(2).failedBoots()).isZero();
		assertThat(cluster.slot(2).nextStartAt()).isNull();
		assertThat(cluster.snapshot().failingSlots()).isEmpty();
		assertThat(cluster.snapshot().listeningWorkers()).isEqualTo(2);
		assertThat(output).contains("Worker 2 (pid " + recovered.pid() + ") is serving again after 4 failed boots");
	}

	@Test
	void afterServingTheClusterStopsOnlyWhenNoWorkerServesAndEverySlotReachedTheLimit(CapturedOutput output) {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.worker(2).exit(1);
		cluster.turn();
		for (int failure = 1; failure <= 3; failure++) {
			cluster.advance(cluster.listener().lastExit().restartDelay());
			failToBoot(cluster, 2);
		}
		assertThat(cluster.slot(2).failedBoots()).isEqualTo(3);
		assertThat(cluster.snapshot().stopping()).isFalse();
		cluster.worker(1).exit(1);
		cluster.turn();
		for (int failure = 1; failure <= 2; failure++) {
			cluster.advance(cluster.listener().lastExit().restartDelay());
			failToBoot(cluster, 1);
			assertThat(cluster.snapshot().stopping()).isFalse();
		}
		cluster.advance(cluster.listener().lastExit().restartDelay());
		failToBoot(cluster, 1);
		assertThat(cluster.snapshot().stopping()).isTrue();
		assertThat(cluster.supervisor().exitCode()).isEqualTo(1);
		assertThat(output).contains("No worker is serving, and every slot failed to boot 3 times in a row");
	}

	/**
	 * Crash the serving worker of slot 1, wait for its restart and have the new worker
	 * become ready.
	 * @return the restart delay
	 */
	private static Duration crashAndRestart(TestCluster cluster) {
		int started = cluster.workers(1).size();
		cluster.worker(1).exit(1);
		cluster.turn();
		Duration delay = cluster.listener().lastExit().restartDelay();
		assertThat(delay).isNotNull();
		cluster.advance(delay.minus(MS));
		assertThat(cluster.workers(1)).as("not restarted before its delay").hasSize(started);
		cluster.advance(MS);
		assertThat(cluster.workers(1)).as("restarted after its delay").hasSize(started + 1);
		cluster.worker(1).connect().listen();
		cluster.turn();
		return delay;
	}

	/**
	 * Have the newest worker of a slot exit before it is ready.
	 * @return the worker
	 */
	private static TestWorker failToBoot(TestCluster cluster, int slot) {
		TestWorker worker = cluster.worker(slot);
		worker.exit(1);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.BOOT_FAILED);
		return worker;
	}

}
