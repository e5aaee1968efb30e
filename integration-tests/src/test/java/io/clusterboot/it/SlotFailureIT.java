package io.clusterboot.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slot that cannot boot in a cluster that has served: the other worker keeps serving,
 * the master keeps trying with a growing delay instead of stopping, shows the slot at
 * {@code /actuator/cluster} and in its health, and fills it by itself once the cause has
 * gone. A worker killed while it boots is killed, not a failure to boot. The class shares
 * one two-worker cluster with fast restarts; each test starts from both workers serving.
 */
class SlotFailureIT {

	/**
	 * Boot failures in a row after which a cluster that has not yet served stops; this
	 * one has served, so it must not.
	 */
	private static final int MAX_BOOT_FAILURES = 3;

	/**
	 * Longer than the master used to last with a slot that could not boot (three failures,
	 * about 30 s).
	 */
	private static final Duration LONGER_THAN_THE_OLD_LIMIT = Duration.ofSeconds(35);

	private static Path cannotBoot;

	private static ClusterProcess cluster;

	@BeforeAll
	static void startCluster() throws IOException {
		// While this file exists the application fails to boot: a database that is down
		cannotBoot = Files.createTempFile("cluster-it-cannot-boot", ".flag");
		Files.delete(cannotBoot);
		cluster = ClusterProcess
			.start("--app.fail-boot-file=" + cannotBoot, "--cluster.restart.initial-delay=100ms",
					"--cluster.restart.max-delay=2s", "--cluster.restart.max-boot-failures=" + MAX_BOOT_FAILURES,
					"--cluster.health.min-workers=2")
			.awaitReady();
	}

	@AfterAll
	static void stopCluster() throws IOException {
		if (cluster != null) {
			cluster.close();
		}
		Files.deleteIfExists(cannotBoot);
	}

	@BeforeEach
	void bothWorkersServe() {
		assertThat(cluster.master().isAlive()).as("master alive").isTrue();
		await().atMost(ClusterProcess.START_TIMEOUT).untilAsserted(() -> {
			JsonNode view = view();
			assertThat(view.get("listeningWorkers").asInt()).isEqualTo(2);
			assertThat(view.has("failingSlots")).isFalse();
		});
		assertThat(cluster.answeringWorkers(40)).containsOnlyKeys(1, 2);
	}

	@Test
	void aSlotThatCannotBootKeepsTryingWhileTheOtherWorkerServesAndHealsByItself() throws Exception {
		long killed = cluster.workerPid(1);
		long survivor = cluster.workerPid(2);
		Files.createFile(cannotBoot);
		killAndAwaitExit(killed);
		long killedAt = System.nanoTime();
		try (RequestLoop requests = RequestLoop.start(cluster, Duration.ofMillis(20))) {
			awaitWhileTheMasterRuns(Duration.ofMinutes(3)).until(() -> failedBoots(view(), 1) > MAX_BOOT_FAILURES);
			sleepUntil(killedAt + LONGER_THAN_THE_OLD_LIMIT.toNanos());

			assertThat(cluster.master().isAlive()).as("master alive").isTrue();
			assertThat(cluster.outputText()).doesNotContain("Stopping the cluster").doesNotContain("cluster failed");
			JsonNode view = view();
			assertThat(view.get("listeningWorkers").asInt()).isEqualTo(1);
			assertThat(view.get("stopping").asBoolean()).isFalse();
			JsonNode failing = view.get("failingSlots");
			assertThat(failing).as("failingSlots in %s", view).isNotNull().hasSize(1);
			assertThat(failing.get(0).get("id").asInt()).isEqualTo(1);
			assertThat(failing.get(0).get("failedBoots").asInt()).isGreaterThan(MAX_BOOT_FAILURES);
			assertThat(failing.get(0).get("lastExit").get("cause").asString()).isEqualTo("BOOT_FAILED");
			ClusterProcess.HttpResult health = cluster.http("GET", "/actuator/health", null);
			assertThat(health.status()).isEqualTo(503);
			JsonNode clusterHealth = health.json().get("components").get("cluster");
			assertThat(clusterHealth.get("status").asString()).isEqualTo("DOWN");
			assertThat(clusterHealth.get("details").get("listening").asInt()).isEqualTo(1);
			assertThat(clusterHealth.get("details").get("minWorkers").asInt()).isEqualTo(2);
			assertThat(clusterHealth.get("details").get("reason").asString()).contains("cluster.health.min-workers");
			assertEveryFailedBootLoggedAWarning();
			assertThat(requests.failures()).as("failed requests").isEmpty();
			assertThat(requests.answeredBy()).containsOnlyKeys(survivor);

			Files.delete(cannotBoot);
			long replacement = cluster.awaitNewWorker(1, killed);
			awaitWhileTheMasterRuns(Duration.ofSeconds(30)).untilAsserted(() -> {
				JsonNode healed = view();
				assertThat(healed.get("listeningWorkers").asInt()).isEqualTo(2);
				assertThat(healed.has("failingSlots")).isFalse();
				assertThat(cluster.http("GET", "/actuator/health", null).status()).isEqualTo(200);
			});
			cluster.awaitOutput("Worker 1 \\(pid " + replacement + "\\) is serving again after \\d+ failed boots");
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(requests.answeredBy()).containsKey(replacement));
			requests.stop();
			System.out.println("Requests while slot 1 could not boot and after it healed: " + requests.answeredBy());
			assertThat(requests.failures()).as("failed requests").isEmpty();
			assertThat(requests.answeredBy()).containsOnlyKeys(survivor, replacement);
			assertThat(requests.answered()).isGreaterThan(500);
		}
		finally {
			Files.deleteIfExists(cannotBoot);
		}
	}

	@Test
	void aWorkerKilledWhileItBootsIsReportedAsKilledAndTheClusterKeepsServing() {
		long serving = cluster.workerPid(1);
		long killed = cluster.workerPid(2);
		JsonNode totalsBefore = view().get("totals").get("exits");
		killAndAwaitExit(killed);
		try (RequestLoop requests = RequestLoop.start(cluster, Duration.ofMillis(20))) {
			List<Long> killedWhileBooting = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				long booting = awaitOnline(2, killed, killedWhileBooting);
				killAndAwaitExit(booting);
				killedWhileBooting.add(booting);
			}
			long replacement = cluster.awaitNewWorker(2, killed);
			requests.stop();

			assertThat(cluster.master().isAlive()).as("master alive").isTrue();
			assertThat(killedWhileBooting).doesNotContain(replacement);
			Set<Long> everListening = cluster.events("listening")
				.stream()
				.map(ClusterProcess.Event::pid)
				.collect(Collectors.toSet());
			assertThat(killedWhileBooting).as("killed before they were listening")
				.doesNotContainAnyElementsOf(everListening);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(cluster.events("exited"))
					.filteredOn((exited) -> killedWhileBooting.contains(exited.pid()))
					.hasSize(3)
					.allSatisfy((exited) -> {
						assertThat(exited.detail("cause")).isEqualTo("KILLED");
						assertThat(exited.detail("signal")).isEqualTo("KILL");
						assertThat(exited.detail("planned")).isEqualTo("false");
					}));
			for (long pid : killedWhileBooting) {
				assertThat(cluster.output()).filteredOn((line) -> line.contains("Worker 2 (pid " + pid + ") exited"))
					.singleElement()
					.satisfies((line) -> assertThat(line).contains("WARN")
						.contains("killed by SIGKILL")
						.doesNotContain("boot failure"));
			}
			JsonNode view = view();
			assertThat(view.has("failingSlots")).isFalse();
			JsonNode exits = view.get("totals").get("exits");
			assertThat(count(exits, "KILLED") - count(totalsBefore, "KILLED")).isEqualTo(4);
			assertThat(count(exits, "BOOT_FAILED")).isEqualTo(count(totalsBefore, "BOOT_FAILED"));
			assertThat(requests.failures()).as("failed requests").isEmpty();
			// The replacement may be stopped before any request reached it; no one else answered
			assertThat(requests.answeredBy()).containsKey(serving);
			assertThat(requests.answeredBy().keySet()).isSubsetOf(serving, replacement);
		}
	}

	/**
	 * Every worker of slot 1 that failed to boot: the master warned of it, with the cause
	 * it saw, and the worker's own log says why, just before.
	 */
	private static void assertEveryFailedBootLoggedAWarning() {
		List<ClusterProcess.Event> failed = cluster.events("exited")
			.stream()
			.filter((exited) -> exited.workerId() == 1 && "BOOT_FAILED".equals(exited.detail("cause")))
			.toList();
		assertThat(failed).hasSizeGreaterThan(MAX_BOOT_FAILURES);
		for (ClusterProcess.Event exited : failed) {
			assertThat(cluster.output())
				.filteredOn((line) -> line.contains("Worker 1 (pid " + exited.pid() + ") exited"))
				.singleElement()
				.satisfies((line) -> assertThat(line).contains("WARN")
					.containsPattern("failed to boot \\(exit code 1\\), restarting in \\d+m?s \\(boot failure \\d+")
					.contains("Its application failed with IllegalStateException: Failing to boot on purpose"));
			assertThat(cluster.output())
				.anyMatch((line) -> line.contains("ERROR [worker-1] " + exited.pid() + " ---")
						&& line.contains("Application run failed"));
		}
		assertThat(cluster.output()).filteredOn((line) -> line.contains("Failing to boot on purpose"))
			.hasSizeGreaterThanOrEqualTo(failed.size());
	}

	/**
	 * Wait for a new worker of a slot to be online (connected to the master, still
	 * booting).
	 */
	private static long awaitOnline(int workerId, long previous, List<Long> seen) {
		long[] pid = new long[1];
		awaitWhileTheMasterRuns(ClusterProcess.START_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
			for (ClusterProcess.Event event : cluster.events("online")) {
				if (event.workerId() == workerId && event.pid() != previous && !seen.contains(event.pid())) {
					pid[0] = event.pid();
					return true;
				}
			}
			return false;
		});
		return pid[0];
	}

	private static ConditionFactory awaitWhileTheMasterRuns(Duration atMost) {
		return await().atMost(atMost).failFast("the master stopped", () -> !cluster.master().isAlive());
	}

	private static void killAndAwaitExit(long pid) {
		ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("No process " + pid));
		assertThat(worker.destroyForcibly()).isTrue();
		try {
			worker.onExit().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("Process " + pid + " did not exit after SIGKILL", ex);
		}
	}

	private static JsonNode view() {
		return cluster.http("GET", "/actuator/cluster", null).json();
	}

	private static int failedBoots(JsonNode view, int slot) {
		if (!view.has("failingSlots")) {
			return 0;
		}
		return view.get("failingSlots")
			.valueStream()
			.filter((failing) -> failing.get("id").asInt() == slot)
			.mapToInt((failing) -> failing.get("failedBoots").asInt())
			.findFirst()
			.orElse(0);
	}

	private static long count(JsonNode exits, String cause) {
		return exits.has(cause) ? exits.get(cause).asLong() : 0;
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long remaining = nanoTime - System.nanoTime();
		if (remaining > 0) {
			TimeUnit.NANOSECONDS.sleep(remaining);
		}
	}

}
