package io.clusterboot.internal.control;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatusTable}.
 */
class StatusTableTests {

	private static final long MB = 1024 * 1024;

	private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

	private static final ClusterCounters COUNTERS = new ClusterCounters(Map.of(), 0, 0, 0, 0, 0);

	@Test
	void showsEveryWorkerAndEverySlotWaitingForOne() {
		WorkerInfo first = new WorkerInfo(1, 4250, WorkerState.LISTENING, NOW.minusSeconds(3700), NOW, null, 8080, 0,
				null, stats(112 * MB, 512 * MB, 1234), NOW, null, null);
		WorkerExit crashed = new WorkerExit(1, null, ExitCause.CRASHED, NOW.minusSeconds(305));
		WorkerInfo second = new WorkerInfo(2, 4251, WorkerState.LISTENING, NOW.minusSeconds(303), NOW, null, 8080, 1,
				crashed, stats(98 * MB, 512 * MB, 1180), NOW, null, null);
		WorkerExit killed = new WorkerExit(137, "KILL", ExitCause.KILLED, NOW.minusSeconds(10));
		List<SlotInfo> slots = List.of(new SlotInfo(1, 0, 0, null, null), new SlotInfo(2, 1, 0, crashed, null),
				new SlotInfo(3, 2, 0, killed, NOW.plusSeconds(4)));
		ClusterSnapshot snapshot = new ClusterSnapshot(4200, NOW.minusSeconds(3723), 8080, 3, false,
				List.of(second, first), slots, null, 16, COUNTERS, NOW, "reuseport", 1);
		assertThat(StatusTable.format(snapshot).lines()).containsExactly(
				"Cluster master pid 4200, up 1h 02m, port 8080 (reuseport): 2 of 3 workers listening",
				"WORKER  PID   STATE             UPTIME  RESTARTS  HEAP             REQUESTS  LAST EXIT",
				"1       4250  listening         1h 01m  0         112 MB / 512 MB  1234      -",
				"2       4251  listening         5m 03s  1         98 MB / 512 MB   1180      crashed with exit code 1, 5m 05s ago",
				"3       -     restarting in 4s  -       2         -                -         killed by SIGKILL, 10s ago");
	}

	@Test
	void showsASpareAfterTheSlots() {
		WorkerInfo spare = new WorkerInfo(0, 4252, WorkerState.SPARE, NOW.minusSeconds(60), null, null, -1, 0, null,
				stats(80 * MB, 512 * MB, 0), NOW, null, null);
		WorkerInfo worker = new WorkerInfo(1, 4250, WorkerState.LISTENING, NOW.minusSeconds(70), NOW, null, 8080, 0,
				null, stats(112 * MB, 512 * MB, 12), NOW, null, null);
		ClusterSnapshot snapshot = new ClusterSnapshot(4200, NOW.minusSeconds(75), 8080, 1, false,
				List.of(spare, worker), List.of(new SlotInfo(1, 0, 0, null, null)), null, 16, COUNTERS, NOW,
				"reuseport", 1);
		assertThat(StatusTable.format(snapshot).lines()).hasSize(4)
			.element(2)
			.asString()
			.startsWith("1 ");
		assertThat(StatusTable.format(snapshot).lines()).element(3).asString().matches("spare +4252 +spare .*");
	}

	@Test
	void showsARolloutUnderWayAndAWorkerThatHasNotReportedYet() {
		WorkerInfo old = new WorkerInfo(1, 4250, WorkerState.LISTENING, NOW.minusSeconds(120), NOW, null, -1, 0, null,
				stats(MB + 5, -1, 7), NOW, null, null);
		WorkerInfo replacement = new WorkerInfo(1, 4260, WorkerState.FORKED, NOW.minusSeconds(3), null, null, -1, 0,
				null, WorkerStats.NONE, null, null, null);
		RolloutStatus rollout = new RolloutStatus("restart", NOW.minusSeconds(3), null, List.of(), List.of(1), null);
		ClusterSnapshot snapshot = new ClusterSnapshot(4200, NOW.minusSeconds(125), -1, 1, true,
				List.of(old, replacement), List.of(new SlotInfo(1, 0, 0, null, null)), rollout, 16, COUNTERS, NOW,
				"none", null);
		assertThat(StatusTable.format(snapshot).lines()).containsExactly(
				"Cluster master pid 4200, up 2m 05s: 1 of 1 workers listening, stopping",
				"Rolling restart under way: 0 of 1 replaced",
				"WORKER  PID   STATE      UPTIME  RESTARTS  HEAP  REQUESTS  LAST EXIT",
				"1       4250  listening  2m 00s  0         1 MB  7         -",
				"1       4260  forked     3s      0         -     -         -");
	}

	@Test
	void durationsReadLikeUptime() {
		assertThat(StatusTable.duration(Duration.ofMillis(999))).isEqualTo("0s");
		assertThat(StatusTable.duration(Duration.ofSeconds(59))).isEqualTo("59s");
		assertThat(StatusTable.duration(Duration.ofSeconds(60))).isEqualTo("1m 00s");
		assertThat(StatusTable.duration(Duration.ofHours(2).plusMinutes(7))).isEqualTo("2h 07m");
		assertThat(StatusTable.duration(Duration.ofDays(3).plusHours(4).plusMinutes(59))).isEqualTo("3d 04h");
		assertThat(StatusTable.duration(Duration.ofSeconds(-5))).isEqualTo("0s");
	}

	private static WorkerStats stats(long heapUsed, long heapMax, long requests) {
		return new WorkerStats(heapUsed, -1, heapMax, requests, 0, 0, 0, 1000, "CORRECT", "ACCEPTING_TRAFFIC");
	}

}
