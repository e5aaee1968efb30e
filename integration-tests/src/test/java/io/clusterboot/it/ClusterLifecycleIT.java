package io.clusterboot.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real two-worker cluster: it serves from both workers, replaces the ones that die and
 * stops without leaving a process behind.
 */
class ClusterLifecycleIT extends AbstractClusterIT {

	// Spring Boot's default console line, with the process's tag after the level
	private static final Pattern TAGGED_LINE = Pattern
		.compile("^\\S+ +(?:TRACE|DEBUG|INFO|WARN|ERROR) \\[([\\w-]+)\\] (\\d+) --- ");

	private static final Pattern UNTAGGED_LINE = Pattern.compile("^\\S+ +(?:TRACE|DEBUG|INFO|WARN|ERROR) \\d+ --- ");

	@Test
	void masterForksTwoWorkersThatBothAnswer() {
		this.cluster = ClusterProcess.start().awaitReady();
		List<ProcessHandle> workers = this.cluster.workerProcesses();
		assertThat(workers).hasSize(2);
		Map<Integer, Long> answering = this.cluster.answeringWorkers(60);
		assertThat(answering).containsOnlyKeys(1, 2);
		assertThat(answering.values()).doesNotContain(this.cluster.masterPid())
			.containsExactlyInAnyOrderElementsOf(workers.stream().map(ProcessHandle::pid).toList());
		// Every line of the shared console says which process wrote it
		Map<Long, String> tags = tagsByPid();
		Set<String> seen = new HashSet<>();
		for (String line : this.cluster.output()) {
			assertThat(line).doesNotContainPattern(UNTAGGED_LINE);
			Matcher tagged = TAGGED_LINE.matcher(line);
			if (tagged.find()) {
				assertThat(tagged.group(1)).as(line).isEqualTo(tags.get(Long.parseLong(tagged.group(2))));
				seen.add(tagged.group(1));
			}
		}
		assertThat(seen).containsExactlyInAnyOrder("master", "worker-1", "worker-2");
	}

	@Test
	void structuredLogLinesSayWhichProcessWroteThem() {
		this.cluster = ClusterProcess.start("--logging.structured.format.console=ecs").awaitReady();
		Map<Long, String> tags = tagsByPid();
		JsonMapper json = JsonMapper.builder().build();
		Set<String> seen = new HashSet<>();
		for (String line : this.cluster.output()) {
			if (!line.startsWith("{")) {
				continue;
			}
			JsonNode member = json.readTree(line);
			JsonNode role = member.at("/cluster/role");
			JsonNode worker = member.at("/cluster/worker");
			String tag = role.isMissingNode() ? "(none)"
					: worker.isMissingNode() ? role.asString() : role.asString() + "-" + worker.asString();
			assertThat(tag).as(line).isEqualTo(tags.get(member.at("/process/pid").asLong()));
			seen.add(tag);
		}
		assertThat(seen).containsExactlyInAnyOrder("master", "worker-1", "worker-2");
	}

	@Test
	void workerKilledWithSigkillIsReplacedInItsSlot() {
		this.cluster = ClusterProcess.start().awaitReady();
		long killed = this.cluster.workerPid(2);
		this.cluster.signal(killed, "KILL");
		long replacement = this.cluster.awaitNewWorker(2, killed);
		assertThat(ProcessHandle.of(killed)).isEmpty();
		assertThat(this.cluster.answeringWorkers(60)).containsEntry(2, replacement);
		ClusterProcess.Event exited = this.cluster.events("exited").get(0);
		assertThat(exited.pid()).isEqualTo(killed);
		assertThat(exited.detail("signal")).isEqualTo("KILL");
		assertThat(exited.detail("cause")).isEqualTo("KILLED");
		assertThat(exited.detail("planned")).isEqualTo("false");
	}

	@Test
	void workerThatExitsWithACodeIsReplaced() {
		this.cluster = ClusterProcess.start().awaitReady();
		JsonNode exiting = this.cluster.postTo(1, "/exit?code=42");
		long pid = exiting.get("pid").asLong();
		long replacement = this.cluster.awaitNewWorker(1, pid);
		assertThat(replacement).isNotEqualTo(pid);
		ClusterProcess.Event exited = this.cluster.events("exited").get(0);
		assertThat(exited.workerId()).isEqualTo(1);
		assertThat(exited.detail("code")).isEqualTo("42");
		assertThat(exited.detail("cause")).isEqualTo("CRASHED");
		assertThat(this.cluster.outputText()).contains("Worker 1 (pid " + pid + ") exited: crashed with exit code 42");
	}

	@Test
	void workerThatCannotBootStopsTheClusterWithAMessage() {
		this.cluster = ClusterProcess.start("--app.fail-boot=true", "--cluster.restart.initial-delay=10ms");
		int exitCode = this.cluster.awaitExit(ClusterProcess.START_TIMEOUT);
		assertThat(exitCode).isNotZero();
		assertThat(this.cluster.outputText()).containsPattern(
				"Worker \\d failed to boot 3 times in a row; the last attempt \\(pid \\d+\\) failed to boot \\(exit code 1\\) before it was ready\\. Its output is above");
		assertThat(this.cluster.outputText()).contains("Failing to boot on purpose");
		assertNoProcessLeft();
	}

	@Test
	void sigtermToTheMasterDrainsEveryWorkerAndLeavesNothingBehind() {
		this.cluster = ClusterProcess.start().awaitReady();
		this.cluster.signal(this.cluster.masterPid(), "TERM");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		assertNoProcessLeft();
		assertThat(this.cluster.events("exited")).hasSize(2)
			.allSatisfy((event) -> assertThat(event.detail("planned")).isEqualTo("true"));
		assertThat(this.cluster.outputText()).contains("Stopping the cluster (SIGTERM)").contains("Cluster stopped");
	}

	@Test
	void sigintToTheWholeProcessGroupIsAPlannedStop() {
		this.cluster = ClusterProcess.start().awaitReady();
		// What Ctrl-C does: every process of the group gets SIGINT at once
		for (long pid : this.cluster.knownPids()) {
			this.cluster.signal(pid, "INT");
		}
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		assertNoProcessLeft();
		assertThat(this.cluster.events("forked")).hasSize(2);
		assertThat(this.cluster.events("exited")).hasSize(2)
			.allSatisfy((event) -> assertThat(event.detail("planned")).isEqualTo("true"));
	}

	@Test
	void sigtermWhileWorkersAreStillBootingStopsEverythingCleanly() {
		this.cluster = ClusterProcess.start();
		this.cluster.awaitOutput("Forked 2 workers");
		this.cluster.signal(this.cluster.masterPid(), "TERM");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		assertNoProcessLeft();
		assertThat(this.cluster.events("exited")).hasSize(2)
			.allSatisfy((event) -> assertThat(event.detail("planned")).isEqualTo("true"));
		assertThat(this.cluster.events("forked")).hasSize(2);
	}

	@Test
	void killingTheMasterWithSigkillMakesEveryWorkerExit() {
		this.cluster = ClusterProcess.start().awaitReady();
		List<ProcessHandle> workers = this.cluster.workerProcesses();
		this.cluster.signal(this.cluster.masterPid(), "KILL");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(workers).noneMatch(ProcessHandle::isAlive));
		assertThat(this.cluster.outputText()).contains("lost its master");
		assertThat(ClusterProcess.freePortIsBindable(this.cluster.port())).isTrue();
	}

	@Test
	void serverPortZeroMeansOneFreePortForAllWorkers() {
		this.cluster = ClusterProcess.start("--server.port=0");
		int port = Integer.parseInt(this.cluster.awaitOutput("all workers will share port (\\d+)").group(1));
		this.cluster.awaitReady();
		assertThat(this.cluster.events("listening")).hasSize(2)
			.allSatisfy((event) -> assertThat(event.detail("port")).isEqualTo(Integer.toString(port)));
	}

	/**
	 * The tag each process of the cluster gives its log lines, by pid.
	 */
	private Map<Long, String> tagsByPid() {
		Map<Long, String> tags = new HashMap<>();
		tags.put(this.cluster.masterPid(), "master");
		for (ClusterProcess.Event forked : this.cluster.events("forked")) {
			tags.put(forked.pid(), "worker-" + forked.workerId());
		}
		return tags;
	}

	private void assertNoProcessLeft() {
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.cluster.knownPids())
				.allSatisfy((pid) -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty()));
	}

}
