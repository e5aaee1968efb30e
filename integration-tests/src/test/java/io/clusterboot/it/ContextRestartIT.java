package io.clusterboot.it;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker whose application context is closed and started again in the same JVM (what a
 * devtools restart does) is still a fully wired worker afterwards.
 */
class ContextRestartIT extends AbstractClusterIT {

	@Test
	void aRestartedContextIsStillAWorkerOfTheCluster() {
		this.cluster = ClusterProcess.start("--cluster.workers=1").awaitReady();
		long firstStart = this.cluster.get("/context").get("startedAt").asLong();
		this.cluster.postTo(1, "/context/restart");
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
			.until(() -> this.cluster.get("/context").get("startedAt").asLong() != firstStart);
		JsonNode cluster = this.cluster.get("/actuator/cluster");
		assertThat(cluster.get("role").asString()).isEqualTo("worker");
		assertThat(cluster.get("master").get("pid").asLong()).isEqualTo(this.cluster.masterPid());
		assertThat(this.cluster.postTo(1, "/send/master?text=after-restart").get("sent").asBoolean()).isTrue();
		this.cluster.awaitOutput("CLUSTER-EVENT type=message worker=1 .* text=after-restart");
		assertThat(this.cluster.events("exited")).isEmpty();
	}

}
