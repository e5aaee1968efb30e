package io.clusterboot.it;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Messages in all four directions between a master and two workers, after Node's
 * {@code worker.send} / {@code process.send}. The cluster is shared: every test uses its
 * own message text.
 */
class ClusterMessagingIT {

	private static ClusterProcess cluster;

	@BeforeAll
	static void startCluster() {
		cluster = ClusterProcess.start().awaitReady();
	}

	@AfterAll
	static void stopCluster() {
		cluster.close();
	}

	@Test
	void workerToMasterAndMasterToWorker() {
		assertThat(cluster.postTo(1, "/send/master?text=ping").get("sent").asBoolean()).isTrue();
		cluster.awaitOutput("CLUSTER-EVENT type=message worker=1 .* text=ping");
		awaitReceived(1, "0:echo-ping");
	}

	@Test
	void workerToWorkerThroughTheMaster() {
		cluster.postTo(1, "/send/worker/2?text=direct");
		awaitReceived(2, "1:direct");
		assertThat(received(1)).doesNotContain("1:direct");
	}

	@Test
	void workerToAllWorkersIncludingItself() {
		cluster.postTo(2, "/send/all?text=evict");
		awaitReceived(1, "2:evict");
		awaitReceived(2, "2:evict");
	}

	@Test
	void aMessageToAWorkerThatDoesNotExistIsDroppedWithoutHarm() {
		cluster.postTo(1, "/send/worker/9?text=nobody");
		cluster.postTo(1, "/send/worker/2?text=after-nobody");
		awaitReceived(2, "1:after-nobody");
		assertThat(cluster.events("exited")).isEmpty();
	}

	private static void awaitReceived(int workerId, String message) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received(workerId)).contains(message));
	}

	private static List<String> received(int workerId) {
		JsonNode response = cluster.requestTo(workerId, "GET", "/received");
		return response.get("received").valueStream().map(JsonNode::asString).toList();
	}

}
