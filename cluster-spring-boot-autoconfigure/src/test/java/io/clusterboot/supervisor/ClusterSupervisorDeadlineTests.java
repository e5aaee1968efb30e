package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the deadlines {@link ClusterSupervisor} holds its workers to: hung and
 * unhealthy workers, boots, stops and lost connections.
 */
class ClusterSupervisorDeadlineTests {

	private static final Duration MS = Duration.ofMillis(1);

	private static final Duration GRACE = Duration.ofSeconds(2);

	@Test
	void aWorkerWithoutHeartbeatForTheTimeoutHasItsThreadsDumpedThenIsKilledAfterTheGrace() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		cluster.advance(Duration.ofSeconds(30));
		assertThat(worker.process().threadDumps()).isZero();
		cluster.advance(MS);
		assertThat(worker.process().threadDumps()).isOne();
		cluster.advance(GRACE.minus(MS));
		assertThat(worker.process().kills()).isZero();
		cluster.advance(MS);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.HUNG);
		assertThat(cluster.listener().lastExit().restartDelay()).isEqualTo(TestSettings.INITIAL_DELAY);
	}

	@Test
	void aWorkerWithRequestsInFlightAndNoneCompletedForTheTimeoutIsHung() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		for (int second = 1; second <= 30; second++) {
			cluster.clock().advance(Duration.ofSeconds(1));
			worker.heartbeat(Heartbeats.inFlight(3, Duration.ofSeconds(second)));
			cluster.turn();
		}
		assertThat(worker.process().threadDumps()).isZero();
		cluster.advance(MS);
		assertThat(worker.process().threadDumps()).isOne();
		cluster.advance(GRACE);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.HUNG);
	}

	@Test
	void longRequestsThatCompleteInTimeAreNotHung() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		for (int request = 1; request <= 3; request++) {
			// One request after another, each completing after 25s
			for (int second = 1; second <= 25; second++) {
				cluster.clock().advance(Duration.ofSeconds(1));
				worker.heartbeat(Heartbeats.inFlight(1, Duration.ofSeconds(second)));
				cluster.turn();
			}
		}
		assertThat(worker.process().threadDumps()).isZero();
		assertThat(cluster.info(worker).state()).isEqualTo(WorkerState.LISTENING);
	}

	@Test
	void anIdleWorkerIsNotHung() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		for (int second = 1; second <= 90; second++) {
			cluster.clock().advance(Duration.ofSeconds(1));
			worker.heartbeat(Heartbeats.idleFor(Duration.ofSeconds(second)));
			cluster.turn();
		}
		assertThat(worker.process().threadDumps()).isZero();
		assertThat(cluster.info(worker).state()).isEqualTo(WorkerState.LISTENING);
	}

	@Test
	void aWorkerWhoseLivenessIsBrokenIsKilledAsUnhealthy() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		worker.heartbeat(Heartbeats.liveness("BROKEN"));
		cluster.turn();
		assertThat(worker.process().threadDumps()).isOne();
		cluster.advance(GRACE);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.UNHEALTHY);
		assertThat(cluster.listener().lastExit().restartDelay()).isEqualTo(TestSettings.INITIAL_DELAY);
	}

	@Test
	void aWorkerNotReadyWithinTheBootTimeoutIsKilledAsAFailedBoot() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).start();
		TestWorker worker = cluster.worker(1).connect();
		cluster.serveFor(Duration.ofMinutes(3));
		assertThat(worker.process().threadDumps()).isZero();
		cluster.serveFor(Duration.ofSeconds(1));
		assertThat(worker.process().threadDumps()).isOne();
		cluster.advance(GRACE);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.BOOT_FAILED);
		assertThat(cluster.slot(1).failedBoots()).isOne();
	}

	@Test
	void aWorkerThatBecomesReadyAfterItsBootTimeoutStillFailedToBoot() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).start();
		TestWorker worker = overrunBootTimeout(cluster);
		assertThat(cluster.info(worker).state()).isNotEqualTo(WorkerState.LISTENING);
		cluster.advance(GRACE);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.BOOT_FAILED);
		assertThat(cluster.slot(1).failedBoots()).isOne();
		assertThat(cluster.listener().events()).noneMatch((event) -> event.startsWith("listening "));
	}

	@Test
	void workersThatBecomeReadyOnlyAfterTheirBootTimeoutStopTheClusterAtTheFirstStart() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).start();
		for (int attempt = 1; attempt <= 3; attempt++) {
			TestWorker worker = overrunBootTimeout(cluster);
			cluster.advance(GRACE);
			worker.exit(137);
			cluster.turn();
			if (attempt < 3) {
				assertThat(cluster.snapshot().stopping()).isFalse();
				cluster.advance(cluster.listener().lastExit().restartDelay());
			}
		}
		assertThat(cluster.snapshot().stopping()).isTrue();
		assertThat(cluster.supervisor().exitCode()).isOne();
	}

	@Test
	void aStoppingWorkerThatDoesNotExitWithinTheShutdownTimeoutIsKilled() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.supervisor().stop();
		cluster.turn();
		assertThat(cluster.workers()).allSatisfy((worker) -> assertThat(worker.process().terminations()).isOne());
		cluster.advance(Duration.ofSeconds(35).minus(MS));
		assertThat(cluster.workers()).allSatisfy((worker) -> assertThat(worker.process().kills()).isZero());
		cluster.advance(MS);
		assertThat(cluster.workers()).allSatisfy((worker) -> assertThat(worker.process().kills()).isOne());
		cluster.workers().forEach((worker) -> worker.exit(137));
		assertThat(cluster.turn()).isFalse();
		assertThat(cluster.listener().exits()).extracting(RecordingSupervisorListener.Exited::cause)
			.containsOnly(ExitCause.STOPPED);
	}

	@Test
	void aWorkerThatDisconnectsWithoutExitingIsKilledAfterTheShutdownTimeout() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		worker.closeChannel();
		cluster.turn();
		assertThat(cluster.info(worker).state()).isEqualTo(WorkerState.DISCONNECTING);
		assertThat(cluster.listener().events()).contains("disconnected worker 1 (pid " + worker.pid() + ")");
		cluster.advance(Duration.ofSeconds(35).minus(MS));
		assertThat(worker.process().kills()).isZero();
		cluster.advance(MS);
		assertThat(worker.process().kills()).isOne();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.DISCONNECTED);
		assertThat(cluster.listener().lastExit().restartDelay()).isEqualTo(TestSettings.INITIAL_DELAY);
	}

	@Test
	void aWorkerKilledBySigkillWhoseChannelClosesJustBeforeItsExitIsKilledNotDisconnected() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		worker.closeChannel();
		cluster.turn();
		worker.exit(137);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.KILLED);
		assertThat(cluster.listener().lastExit().exit().signal()).isEqualTo("KILL");
		assertThat(worker.process().kills()).isZero();
	}

	@Test
	void aWorkerThatLostItsChannelAndShutItselfDownLostItsChannel() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		worker.closeChannel();
		cluster.advance(Duration.ofSeconds(5));
		worker.exit(0);
		cluster.turn();
		assertThat(cluster.listener().lastExit().cause()).isEqualTo(ExitCause.DISCONNECTED);
		assertThat(worker.process().kills()).isZero();
	}

	@Test
	void aWorkerThatSaidItWasExitingBeforeItsChannelClosedExitsWithItsOwnCode() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1)).startServing();
		TestWorker worker = cluster.worker(1);
		worker.sayExiting().closeChannel();
		cluster.turn();
		worker.exit(1);
		cluster.turn();
		assertThat(cluster.listener().lastExit().exit()).satisfies((exit) -> {
			assertThat(exit.cause()).isEqualTo(ExitCause.CRASHED);
			assertThat(exit.exitCode()).isOne();
		});
	}

	/**
	 * Have the newest worker of slot 1 connect, miss its boot timeout, and report ready
	 * while the master waits for its threads to be dumped before killing it.
	 */
	private static TestWorker overrunBootTimeout(TestCluster cluster) {
		TestWorker worker = cluster.worker(1).connect();
		cluster.serveFor(Duration.ofMinutes(3).plusSeconds(1));
		assertThat(worker.process().threadDumps()).isOne();
		worker.listen();
		cluster.turn();
		return worker;
	}

}
