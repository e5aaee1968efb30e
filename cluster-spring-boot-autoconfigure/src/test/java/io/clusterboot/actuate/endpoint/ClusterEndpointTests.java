package io.clusterboot.actuate.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;
import io.clusterboot.worker.MasterLink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ClusterEndpoint}.
 */
class ClusterEndpointTests {

	private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

	private final MasterLink master = mock(MasterLink.class);

	private final ClusterEndpoint endpoint = new ClusterEndpoint(this.master);

	@Test
	void aSingleProcessSaysSoAndRefusesOperations() {
		ClusterEndpoint standalone = new ClusterEndpoint(null);
		assertThat(standalone.cluster().role()).isEqualTo("standalone");
		assertThat(standalone.cluster().workers()).isNull();
		WebEndpointResponse<OperationResult> response = standalone.operate("restart");
		assertThat(response.getStatus()).isEqualTo(409);
		assertThat(response.getBody().message()).contains("cluster.workers");
	}

	@Test
	void aWorkerWithoutStateYetAnswersWithItsIdOnly() {
		given(this.master.getWorkerId()).willReturn(2);
		ClusterDescriptor cluster = this.endpoint.cluster();
		assertThat(cluster.role()).isEqualTo("worker");
		assertThat(cluster.answeredBy().worker()).isEqualTo(2);
		assertThat(cluster.master()).isNull();
	}

	@Test
	void showsTheWorkersTheTotalsAndTheSlotsThatKeepFailing() {
		WorkerExit bootFailure = new WorkerExit(1, null, ExitCause.BOOT_FAILED, NOW);
		WorkerInfo serving = new WorkerInfo(2, 4242, WorkerState.LISTENING, NOW, NOW, null, 8080, 0, null,
				new WorkerStats(100, 80, 1000, 7, 1, 20, 3, 60_000, "CORRECT", "ACCEPTING_TRAFFIC"), NOW, null, null);
		ClusterSnapshot snapshot = new ClusterSnapshot(4200, NOW, 8080, 2, false, List.of(serving),
				List.of(new SlotInfo(1, 4, 4, bootFailure, NOW.plusSeconds(2)), new SlotInfo(2, 0, 0, null, null)),
				null, 16, new ClusterCounters(Map.of(ExitCause.BOOT_FAILED, 4L), 4, 0, 0, 12, 5), NOW, "reuseport",
				null);
		given(this.master.getWorkerId()).willReturn(2);
		given(this.master.getState()).willReturn(snapshot);
		given(this.master.getStateAge()).willReturn(Duration.ofMillis(300));
		ClusterDescriptor cluster = this.endpoint.cluster();
		assertThat(cluster.listeningWorkers()).isEqualTo(1);
		assertThat(cluster.totals().messagesDropped()).isEqualTo(5);
		assertThat(cluster.workers()).singleElement().satisfies((worker) -> {
			assertThat(worker.requestsInFlight()).isEqualTo(1);
			assertThat(worker.messagesRefused()).isEqualTo(3);
		});
		assertThat(cluster.failingSlots()).singleElement().satisfies((slot) -> {
			assertThat(slot.id()).isEqualTo(1);
			assertThat(slot.failedBoots()).isEqualTo(4);
			assertThat(slot.nextStartAt()).isEqualTo("2026-12-02T10:00:02Z");
			assertThat(slot.lastExit().cause()).isEqualTo("BOOT_FAILED");
		});
	}

	@Test
	void noFailingSlotsAreLeftOut() {
		ClusterSnapshot snapshot = new ClusterSnapshot(4200, NOW, 8080, 1, false, List.of(),
				List.of(new SlotInfo(1, 0, 0, null, null)), null, 16, ClusterCounters.NONE, NOW, "reuseport", null);
		given(this.master.getState()).willReturn(snapshot);
		assertThat(this.endpoint.cluster().failingSlots()).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "DONE, 200", "ACCEPTED, 202", "INVALID, 400", "NOT_FOUND, 404", "CONFLICT, 409",
			"UNAVAILABLE, 503" })
	void anOutcomeBecomesItsHttpStatus(OperationOutcome.Status status, int httpStatus) {
		given(this.master.rollingRestart())
			.willReturn(CompletableFuture.completedFuture(new OperationOutcome(status, "said the master")));
		WebEndpointResponse<OperationResult> response = this.endpoint.operate("restart");
		assertThat(response.getStatus()).isEqualTo(httpStatus);
		assertThat(response.getBody()).isEqualTo(new OperationResult(httpStatus, "said the master"));
	}

	@Test
	void scaleAndReplaceGoToTheMaster() {
		given(this.master.scale(3))
			.willReturn(CompletableFuture.completedFuture(new OperationOutcome(OperationOutcome.Status.DONE, "ok")));
		given(this.master.replace(2)).willReturn(
				CompletableFuture.completedFuture(new OperationOutcome(OperationOutcome.Status.NOT_FOUND, "no 2")));
		assertThat(this.endpoint.operate("scale", 3).getStatus()).isEqualTo(200);
		assertThat(this.endpoint.replace(2).getStatus()).isEqualTo(404);
	}

	@Test
	void scaleWithoutACountAndUnknownOperationsAreBadRequests() {
		assertThat(this.endpoint.operate("scale", null).getBody().message()).contains("{\"workers\": n}");
		assertThat(this.endpoint.operate("dance").getStatus()).isEqualTo(400);
	}

}
