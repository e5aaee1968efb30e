package io.clusterboot.it.servers;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One real two-worker cluster per class, on one web server: both workers answer on the
 * one port, a worker killed with SIGKILL is replaced and answers, and SIGTERM stops the
 * cluster cleanly. The tests run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractServerClusterIT {

	protected ServerCluster cluster;

	/**
	 * Start the cluster of this class.
	 */
	protected abstract ServerCluster startCluster();

	/**
	 * The simple name of the web server class the workers run.
	 */
	protected abstract String webServer();

	@BeforeAll
	void start() {
		this.cluster = startCluster().awaitReady();
	}

	@AfterAll
	void close() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void bothWorkersAnswerOnTheOnePort() {
		List<Long> workers = this.cluster.workerPids();
		assertThat(workers).hasSize(2).doesNotContain(this.cluster.masterPid());
		this.cluster.awaitAnswersFrom(new HashSet<>(workers));
		assertThat(this.cluster.identity().get("server").asString()).isEqualTo(webServer());
		assertThat(this.cluster.outputText()).doesNotContain("Unknown channel option");
	}

	@Test
	@Order(2)
	void workerKilledWithSigkillIsReplacedAndAnswers() {
		long killed = this.cluster.workerPid(2);
		assertThat(killed).isPositive();
		this.cluster.signal(killed, "KILL");
		long replacement = this.cluster.awaitNewWorker(2, killed);
		assertThat(ProcessHandle.of(killed)).isEmpty();
		this.cluster.awaitAnswersFrom(new HashSet<>(List.of(replacement, this.cluster.workerPid(1))));
	}

	@Test
	@Order(3)
	void sigtermStopsTheClusterCleanly() {
		this.cluster.signal(this.cluster.masterPid(), "TERM");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.cluster.processes()).noneMatch(ProcessHandle::isAlive));
		assertThat(this.cluster.outputText()).contains("Cluster stopped")
			.doesNotContain("Unknown channel option")
			.doesNotContainPattern("(?i)address already in use|port \\d+ (is|was) already in use");
	}

}
