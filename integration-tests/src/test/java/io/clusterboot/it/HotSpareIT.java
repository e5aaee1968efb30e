package io.clusterboot.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hot spare ({@code cluster.worker.spares=1}) in a real cluster: it stands by without
 * a connection or a scheduled run, takes over the slot of a worker killed under load,
 * is followed by a new spare, and is never promoted across a rolling restart.
 */
class HotSpareIT extends AbstractClusterIT {

	private static final Pattern STANDS_BY = Pattern.compile("A spare worker \\(pid (\\d+)\\) stands by");

	private static final Pattern TICK = Pattern.compile("SCHEDULED-TICK pid=(\\d+)");

	@Test
	void aSpareStandsByUnseenThenTakesOverAKilledWorkerAndIsNeverPromotedAcrossARollingRestart() {
		this.cluster = ClusterProcess.start("--cluster.worker.spares=1", "--app.scheduled-tick=true").awaitReady();
		long spare = awaitSpare(0);

		JsonNode state = this.cluster.get("/actuator/cluster");
		assertThat(state.get("spares").asLong()).isOne();
		assertThat(state.get("listeningWorkers").asLong()).isEqualTo(2);
		assertThat(state.get("workers")).anySatisfy((worker) -> {
			assertThat(worker.get("pid").asLong()).isEqualTo(spare);
			assertThat(worker.get("id").asInt()).isZero();
			assertThat(worker.get("state").asText()).isEqualTo("SPARE");
		});
		assertThat(this.cluster.answeringWorkers(30)).containsOnlyKeys(1, 2).doesNotContainValue(spare);
		await().atMost(Duration.ofSeconds(10)).until(() -> ticks().contains(this.cluster.workerPid(1)));
		assertThat(ticks()).as("a spare runs no @Scheduled method").doesNotContain(spare);

		long killed = this.cluster.workerPid(1);
		try (RequestLoop load = RequestLoop.start(this.cluster, Duration.ofMillis(5))) {
			this.cluster.signal(killed, "KILL");
			assertThat(this.cluster.awaitNewWorker(1, killed)).as("the spare takes slot 1").isEqualTo(spare);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(this.cluster.answeringWorkers(20)).containsEntry(1, spare));
			load.stop();
			assertThat(load.answeredBy()).containsKey(spare);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ticks().contains(spare));
		long next = awaitSpare(1);
		assertThat(next).isNotIn(spare, killed);

		this.cluster.signal(this.cluster.masterPid(), "HUP");
		this.cluster.awaitOutput("Rolling restart complete: 2 replaced");
		assertThat(this.cluster.events("listening")).noneMatch((event) -> event.pid() == next);
		assertThat(this.cluster.events("exited")).anySatisfy((event) -> {
			assertThat(event.pid()).isEqualTo(next);
			assertThat(event.detail("planned")).isEqualTo("true");
		});
		assertThat(awaitSpare(2)).as("a spare of the new build, once the restart is done").isNotEqualTo(next);
	}

	/**
	 * Wait for the {@code index}th spare of the cluster's life to stand by.
	 */
	private long awaitSpare(int index) {
		await().atMost(ClusterProcess.START_TIMEOUT).until(() -> spares().size() > index);
		return spares().get(index);
	}

	private List<Long> spares() {
		return matches(STANDS_BY);
	}

	private List<Long> ticks() {
		return matches(TICK);
	}

	private List<Long> matches(Pattern pattern) {
		List<Long> pids = new ArrayList<>();
		for (String line : this.cluster.output()) {
			Matcher matcher = pattern.matcher(line);
			if (matcher.find()) {
				pids.add(Long.parseLong(matcher.group(1)));
			}
		}
		return pids;
	}

}
