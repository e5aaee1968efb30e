package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.state.ConnectionStats;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterSupervisor} in proxy mode: which workers its
 * {@link ConnectionRouter} hands connections to, and that a worker gets none once it is on
 * its way out.
 */
class ClusterSupervisorProxyTests {

	private final RecordingRouter router = new RecordingRouter();

	@Test
	void aWorkerIsRoutedOnceItIsReadyOnThePortsItReported() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1), this.router).start();
		TestWorker worker = cluster.worker(1).connect();
		cluster.turn();
		assertThat(this.router.calls()).isEmpty();
		worker.send(new Frames.Listening("127.0.0.1", 41001, 41002));
		cluster.turn();
		assertThat(this.router.calls()).containsExactly("route " + worker.pid() + " 41001 41002");
		assertThat(cluster.snapshot().portSharing()).isEqualTo("proxy");
	}

	@Test
	void aRolloutRoutesTheReplacementAndStopsRoutingToTheOldWorkerBeforeItIsAskedToStop() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1), this.router).startServing();
		TestWorker old = cluster.worker(1);
		this.router.onStopRouting((pid) -> assertThat(old.process().terminations()).isZero());
		cluster.complete(cluster.supervisor().rollingRestart());
		TestWorker replacement = cluster.worker(1);
		replacement.connect().send(new Frames.Listening("127.0.0.1", 41003, -1));
		cluster.turn();
		assertThat(old.process().terminations()).isOne();
		assertThat(this.router.calls()).containsExactly("route " + old.pid() + " 8080 -1",
				"route " + replacement.pid() + " 41003 -1", "stop " + old.pid());
	}

	@Test
	void aHungWorkerGetsNoConnectionsWhileItsThreadsAreDumped() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1), this.router).startServing();
		TestWorker worker = cluster.worker(1);
		this.router.onStopRouting((pid) -> assertThat(worker.process().kills()).isZero());
		for (int second = 1; second <= 31; second++) {
			cluster.clock().advance(Duration.ofSeconds(1));
			worker.heartbeat(Heartbeats.inFlight(3, Duration.ofSeconds(second)));
			cluster.turn();
		}
		assertThat(worker.process().threadDumps()).isOne();
		assertThat(this.router.calls()).last().isEqualTo("stop " + worker.pid());
	}

	@Test
	void aWorkerThatDiesIsNoLongerRouted() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(1), this.router).startServing();
		TestWorker worker = cluster.worker(1);
		worker.exit(137);
		cluster.turn();
		assertThat(this.router.calls()).last().isEqualTo("stop " + worker.pid());
	}

	@Test
	void theSnapshotShowsEachWorkersConnections() {
		TestCluster cluster = new TestCluster(TestSettings.defaults(), this.router).startServing();
		this.router.setStats(cluster.worker(1).pid(), new ConnectionStats(3, 120));
		cluster.worker(2).heartbeat();
		cluster.turn();
		assertThat(cluster.snapshot().worker(1)).hasValueSatisfying(
				(info) -> assertThat(info.connections()).isEqualTo(new ConnectionStats(3, 120)));
		assertThat(cluster.snapshot().worker(2)).hasValueSatisfying(
				(info) -> assertThat(info.connections()).isEqualTo(new ConnectionStats(0, 0)));
	}

	@Test
	void withoutARouterWorkersShareThePortThemselves() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		assertThat(cluster.snapshot().portSharing()).isEqualTo("reuseport");
		assertThat(cluster.snapshot().worker(1)).hasValueSatisfying((info) -> assertThat(info.connections()).isNull());
	}

}
