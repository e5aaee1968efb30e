package io.clusterboot.supervisor;

import io.clusterboot.state.WorkerStats;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.clusterboot.autoconfigure.ClusterProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecyclePolicy}.
 */
class RecyclePolicyTests {

	private static final Duration SETTLE = Duration.ofSeconds(30);

	private final ClusterProperties.Worker settings = new ClusterProperties().getWorker();

	private final RecyclePolicy policy = new RecyclePolicy(this.settings, SETTLE);

	@Test
	void noLimitsNeverRecycle() {
		Worker worker = worker(stats(1_000_000, Long.MAX_VALUE / 2));
		assertThat(this.policy.requestLimit()).isZero();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofDays(30)))).isNull();
	}

	@Test
	void requestLimitIsMaxRequestsPlusAJitterWithinItsRange() {
		this.settings.setMaxRequests(1000);
		this.settings.setMaxRequestsJitter(50);
		for (int i = 0; i < 200; i++) {
			assertThat(this.policy.requestLimit()).isBetween(1000L, 1050L);
		}
	}

	@Test
	void requestLimitWithoutJitterIsExactlyMaxRequests() {
		this.settings.setMaxRequests(1000);
		assertThat(this.policy.requestLimit()).isEqualTo(1000);
	}

	@Test
	void aWorkerIsRecycledOnceItReachesItsRequestLimit() {
		Worker worker = worker(stats(999, 0));
		worker.requestLimit = 1000;
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(1)))).isNull();
		worker.stats = stats(1000, 0);
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(1)))).contains("served 1000 requests")
			.contains("this worker's limit 1000");
	}

	@Test
	void aWorkerIsRecycledWhenItsLiveHeapExceedsMaxMemoryOnceSettled() {
		this.settings.setMaxMemory(DataSize.ofMegabytes(100));
		Worker worker = worker(stats(0, DataSize.ofMegabytes(150).toBytes()));
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(5)))).isNull();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(31)))).contains("150MB");
		worker.stats = stats(0, DataSize.ofMegabytes(90).toBytes());
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(31)))).isNull();
	}

	@Test
	void aWorkerIsRecycledWhenOlderThanMaxLifetime() {
		this.settings.setMaxLifetime(Duration.ofMinutes(10));
		Worker worker = worker(stats(0, 0));
		assertThat(this.policy.reason(worker, after(worker, Duration.ofMinutes(9)))).isNull();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofMinutes(11))))
			.contains("older than cluster.worker.max-lifetime (600s)");
	}

	/**
	 * A worker that became ready the moment it was forked.
	 */
	private static Worker worker(WorkerStats stats) {
		Worker worker = new Worker(1, "secret");
		worker.listeningNanos = worker.forkedNanos;
		worker.stats = stats;
		return worker;
	}

	private static long after(Worker worker, Duration age) {
		return worker.forkedNanos + age.toNanos();
	}

	private static WorkerStats stats(long requests, long heapAfterGc) {
		return new WorkerStats(0, heapAfterGc, -1, requests, 0, null, null);
	}

}
