package io.clusterboot.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lifecycle events as a {@code @ClusterMaster} bean receives them, after Node's
 * {@code test-cluster-worker-exit.js}, {@code test-cluster-worker-kill.js} and
 * {@code test-cluster-worker-events.js}.
 */
class ClusterEventsIT extends AbstractClusterIT {

	private static final List<String> LIFE = List.of("forked", "online", "listening", "disconnected", "exited");

	@Test
	void workerExitingWith42GivesOneDisconnectedAndOneExitedEventNotPlanned() {
		this.cluster = ClusterProcess.start().awaitReady();
		long pid = this.cluster.postTo(2, "/exit?code=42").get("pid").asLong();
		this.cluster.awaitNewWorker(2, pid);
		List<ClusterProcess.Event> ofWorker = eventsOf(pid);
		assertThat(ofWorker).filteredOn((event) -> event.type().equals("disconnected")).hasSize(1);
		assertThat(ofWorker).filteredOn((event) -> event.type().equals("exited"))
			.singleElement()
			.satisfies((exited) -> {
				assertThat(exited.detail("code")).isEqualTo("42");
				assertThat(exited.detail("signal")).isEqualTo("null");
				assertThat(exited.detail("cause")).isEqualTo("CRASHED");
				assertThat(exited.detail("planned")).isEqualTo("false");
			});
	}

	@Test
	void workerKilledWithSigkillIsDisconnectedBeforeItExits() {
		this.cluster = ClusterProcess.start().awaitReady();
		long pid = this.cluster.workerPid(1);
		this.cluster.signal(pid, "KILL");
		this.cluster.awaitNewWorker(1, pid);
		assertThat(eventsOf(pid)).extracting(ClusterProcess.Event::type).containsExactlyElementsOf(LIFE);
		ClusterProcess.Event exited = eventsOf(pid).get(4);
		assertThat(exited.detail("signal")).isEqualTo("KILL");
		assertThat(exited.detail("planned")).isEqualTo("false");
	}

	@Test
	void everyWorkerLivesItsEventsInOrder() {
		this.cluster = ClusterProcess.start().awaitReady();
		long killed = this.cluster.workerPid(2);
		this.cluster.signal(killed, "KILL");
		this.cluster.awaitNewWorker(2, killed);
		this.cluster.signal(this.cluster.masterPid(), "TERM");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		Map<Long, List<String>> lives = this.cluster.events()
			.stream()
			.filter((event) -> LIFE.contains(event.type()))
			.collect(Collectors.groupingBy(ClusterProcess.Event::pid,
					Collectors.mapping(ClusterProcess.Event::type, Collectors.toList())));
		assertThat(lives).hasSize(3).allSatisfy((pid, life) -> assertThat(life).isEqualTo(LIFE));
	}

	@Test
	void aStoppedWorkerIsDetectedAsHungAndReplaced() {
		this.cluster = ClusterProcess.start("--cluster.worker.timeout=3s").awaitReady();
		long pid = this.cluster.workerPid(2);
		this.cluster.signal(pid, "STOP");
		long replacement = this.cluster.awaitNewWorker(2, pid);
		assertThat(replacement).isNotEqualTo(pid);
		assertThat(eventsOf(pid)).last().satisfies((exited) -> {
			assertThat(exited.type()).isEqualTo("exited");
			assertThat(exited.detail("cause")).isEqualTo("HUNG");
			assertThat(exited.detail("signal")).isEqualTo("KILL");
			assertThat(exited.detail("planned")).isEqualTo("false");
		});
		assertThat(this.cluster.outputText()).contains("Worker 2 (pid " + pid + ") is hung: no heartbeat for 3s");
	}

	@Test
	void aWorkerWhoseLivenessIsBrokenIsDumpedAndReplaced() {
		this.cluster = ClusterProcess.start().awaitReady();
		long pid = this.cluster.postTo(1, "/liveness/broken").get("pid").asLong();
		this.cluster.awaitNewWorker(1, pid);
		assertThat(eventsOf(pid)).last().satisfies((exited) -> {
			assertThat(exited.detail("cause")).isEqualTo("UNHEALTHY");
			assertThat(exited.detail("planned")).isEqualTo("false");
		});
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cluster.outputText()).contains("Full thread dump"));
	}

	private List<ClusterProcess.Event> eventsOf(long pid) {
		return this.cluster.events().stream().filter((event) -> event.pid() == pid).toList();
	}

}
