package io.clusterboot.it;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/cluster} and the {@code cluster} health contributor of a real cluster.
 */
class ClusterEndpointIT extends AbstractClusterIT {

	private static final String WRITE_ACCESS = "--management.endpoint.cluster.access=unrestricted";

	@Test
	void showsTheWholeClusterFromWhicheverWorkerAnswers() {
		this.cluster = ClusterProcess.start().awaitReady();
		Set<Long> workerPids = workerPids();
		JsonNode view = awaitView((json) -> json.get("listeningWorkers").asInt() == 2);
		assertThat(view.get("role").asString()).isEqualTo("worker");
		assertThat(view.get("master").get("pid").asLong()).isEqualTo(this.cluster.masterPid());
		assertThat(view.get("portSharing").asString()).isEqualTo("reuseport");
		assertThat(view.get("port").asInt()).isEqualTo(this.cluster.port());
		assertThat(view.get("targetWorkers").asInt()).isEqualTo(2);
		assertThat(workerPids).contains(view.get("answeredBy").get("pid").asLong());
		assertThat(view.get("workers").valueStream().map((worker) -> worker.get("pid").asLong()))
			.containsExactlyInAnyOrderElementsOf(workerPids);
		assertThat(view.get("workers").valueStream().map((worker) -> worker.get("id").asInt())).containsExactly(1, 2);
		assertThat(view.get("workers")).allSatisfy((worker) -> {
			assertThat(worker.get("state").asString()).isEqualTo("LISTENING");
			assertThat(worker.get("heapUsed").asLong()).isPositive();
			assertThat(worker.get("lastHeartbeatAgeMillis").asLong()).isLessThan(5000);
		});
		JsonNode one = this.cluster.http("GET", "/actuator/cluster/2", null).json();
		assertThat(one.get("pid").asLong()).isEqualTo(this.cluster.workerPid(2));
		assertThat(this.cluster.http("GET", "/actuator/cluster/9", null).status()).isEqualTo(404);
	}

	@Test
	void showsARestartAndItsCauseAfterAKill() {
		this.cluster = ClusterProcess.start().awaitReady();
		long killed = this.cluster.workerPid(1);
		this.cluster.signal(killed, "KILL");
		long replacement = this.cluster.awaitNewWorker(1, killed);
		JsonNode view = awaitView((json) -> json.get("workers").get(0).get("pid").asLong() == replacement);
		JsonNode worker = view.get("workers").get(0);
		assertThat(worker.get("restarts").asInt()).isEqualTo(1);
		assertThat(worker.get("lastExit").get("cause").asString()).isEqualTo("KILLED");
		assertThat(worker.get("lastExit").get("signal").asString()).isEqualTo("KILL");
		assertThat(worker.get("lastExit").get("planned").asBoolean()).isFalse();
		assertThat(view.get("totals").get("exits").get("KILLED").asInt()).isEqualTo(1);
	}

	@Test
	void scalingThroughTheEndpointChangesTheRealProcesses() {
		this.cluster = ClusterProcess.start(WRITE_ACCESS).awaitReady();
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 3}").status()).isEqualTo(200);
		await().atMost(ClusterProcess.START_TIMEOUT)
			.until(() -> this.cluster.workerProcesses().size() == 3 && this.cluster.workerPid(3) > 0);
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 1}").status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.cluster.workerProcesses().size() == 1);
		JsonNode view = awaitView((json) -> json.get("currentWorkers").asInt() == 1);
		assertThat(view.get("targetWorkers").asInt()).isEqualTo(1);
		assertThat(view.get("workers").get(0).get("pid").asLong())
			.isEqualTo(this.cluster.workerProcesses().get(0).pid());
	}

	@Test
	void badRequestsGetTheirStatusAndChangeNothing() {
		this.cluster = ClusterProcess.start(WRITE_ACCESS).awaitReady();
		Set<Long> before = workerPids();
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 0}").status()).isEqualTo(400);
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 999}").status()).isEqualTo(400);
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", null).status()).isEqualTo(400);
		assertThat(this.cluster.http("POST", "/actuator/cluster/bogus", null).status()).isEqualTo(400);
		ClusterProcess.HttpResult unknown = this.cluster.http("DELETE", "/actuator/cluster/9", null);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.json().get("message").asString()).contains("There is no worker 9");
		assertThat(this.cluster.http("POST", "/actuator/cluster/restart", null).status()).isEqualTo(202);
		ClusterProcess.HttpResult again = this.cluster.http("POST", "/actuator/cluster/restart", null);
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.json().get("message").asString()).contains("already running");
		await().atMost(ClusterProcess.START_TIMEOUT).untilAsserted(() -> {
			JsonNode view = this.cluster.http("GET", "/actuator/cluster", null).json();
			assertThat(view.get("rollout").get("finishedAt")).isNotNull();
			assertThat(view.get("totals").get("rolloutsCompleted").asInt()).isEqualTo(1);
		});
		assertThat(this.cluster.events("forked")).hasSize(4);
		assertThat(workerPids()).hasSize(2).doesNotContainAnyElementsOf(before);
	}

	@Test
	void writeOperationsAreRefusedUntilAccessIsGranted() {
		this.cluster = ClusterProcess.start().awaitReady();
		Set<Long> before = workerPids();
		assertThat(this.cluster.http("POST", "/actuator/cluster/restart", null).status()).isIn(404, 405);
		assertThat(this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 3}").status()).isIn(404, 405);
		assertThat(this.cluster.http("DELETE", "/actuator/cluster/1", null).status()).isIn(404, 405);
		assertThat(this.cluster.http("GET", "/actuator/cluster", null).status()).isEqualTo(200);
		assertThat(workerPids()).isEqualTo(before);
		assertThat(this.cluster.events("forked")).hasSize(2);
	}

	@Test
	void healthIsDownWhileFewerWorkersListenThanTheMinimum() {
		this.cluster = ClusterProcess.start(WRITE_ACCESS, "--cluster.health.min-workers=3").awaitReady();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			ClusterProcess.HttpResult health = this.cluster.http("GET", "/actuator/health", null);
			assertThat(health.status()).isEqualTo(503);
			JsonNode cluster = health.json().get("components").get("cluster");
			assertThat(cluster.get("status").asString()).isEqualTo("DOWN");
			assertThat(cluster.get("details").get("listening").asInt()).isEqualTo(2);
		});
		this.cluster.http("POST", "/actuator/cluster/scale", "{\"workers\": 3}");
		await().atMost(ClusterProcess.START_TIMEOUT).untilAsserted(() -> {
			ClusterProcess.HttpResult health = this.cluster.http("GET", "/actuator/health", null);
			assertThat(health.status()).isEqualTo(200);
			assertThat(health.json().get("components").get("cluster").get("details").get("workers").size())
				.isEqualTo(3);
		});
	}

	@Test
	void aSeparateManagementPortIsSharedToo() {
		this.cluster = ClusterProcess.start("--management.server.port=0").awaitReady();
		int managementPort = Integer
			.parseInt(this.cluster.awaitOutput("management.server.port is 0: all workers will share port (\\d+)")
				.group(1));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode view = this.cluster.http(managementPort, "GET", "/actuator/cluster", null).json();
			assertThat(view.get("listeningWorkers").asInt()).isEqualTo(2);
		});
		Set<Long> answering = java.util.stream.IntStream.range(0, 40)
			.mapToObj((i) -> this.cluster.requestOnNewConnection(managementPort, "GET", "/actuator/cluster"))
			.map((json) -> json.get("answeredBy").get("pid").asLong())
			.collect(Collectors.toSet());
		assertThat(answering).isEqualTo(workerPids());
	}

	@Test
	void aSingleProcessAnswersAsStandalone() {
		this.cluster = ClusterProcess.start("--cluster.workers=0");
		this.cluster.awaitOutput("Started TestApplication");
		JsonNode view = this.cluster.http("GET", "/actuator/cluster", null).json();
		assertThat(view.get("role").asString()).isEqualTo("standalone");
		assertThat(view.get("answeredBy").get("pid").asLong()).isEqualTo(this.cluster.masterPid());
		JsonNode health = this.cluster.http("GET", "/actuator/health", null).json();
		assertThat(health.get("components").get("cluster").get("status").asString()).isEqualTo("UP");
	}

	private Set<Long> workerPids() {
		return this.cluster.workerProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
	}

	private JsonNode awaitView(java.util.function.Predicate<JsonNode> condition) {
		JsonNode[] view = new JsonNode[1];
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			view[0] = this.cluster.http("GET", "/actuator/cluster", null).json();
			return view[0].has("workers") && condition.test(view[0]);
		});
		return view[0];
	}

}
