package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.clusterboot.state.WorkerStats;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RecyclePolicy}.
 */
class RecyclePolicyTests {

	private static final Duration SETTLE = Duration.ofSeconds(30);

	private RecyclePolicy policy = policy(SupervisorSettings.Recycling.NONE);

	@Test
	void noLimitsNeverRecycle() {
		SupervisedWorker worker = worker(stats(1_000_000, Long.MAX_VALUE / 2));
		assertThat(this.policy.requestLimit()).isZero();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofDays(30)))).isNull();
	}

	@Test
	void requestLimitIsMaxRequestsPlusAJitterWithinItsRange() {
		this.policy = policy(new SupervisorSettings.Recycling(1000, 50, null, null));
		for (int i = 0; i < 200; i++) {
			assertThat(this.policy.requestLimit()).isBetween(1000L, 1050L);
		}
	}

	@Test
	void requestLimitWithoutJitterIsExactlyMaxRequests() {
		this.policy = policy(new SupervisorSettings.Recycling(1000, 0, null, null));
		assertThat(this.policy.requestLimit()).isEqualTo(1000);
	}

	@Test
	void aWorkerIsRecycledOnceItReachesItsRequestLimit() {
		SupervisedWorker worker = worker(stats(999, 0));
		worker.requestLimit = 1000;
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(1)))).isNull();
		worker.stats = stats(1000, 0);
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(1)))).contains("served 1000 requests")
			.contains("this worker's limit 1000");
	}

	@Test
	void aWorkerIsRecycledWhenItsLiveHeapExceedsMaxMemoryOnceSettled() {
		this.policy = policy(new SupervisorSettings.Recycling(0, 0, DataSize.ofMegabytes(100), null));
		SupervisedWorker worker = worker(stats(0, DataSize.ofMegabytes(150).toBytes()));
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(5)))).isNull();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(31)))).contains("150MB");
		worker.stats = stats(0, DataSize.ofMegabytes(90).toBytes());
		assertThat(this.policy.reason(worker, after(worker, Duration.ofSeconds(31)))).isNull();
	}

	@Test
	void aWorkerIsRecycledWhenOlderThanMaxLifetime() {
		this.policy = policy(new SupervisorSettings.Recycling(0, 0, null, Duration.ofMinutes(10)));
		SupervisedWorker worker = worker(stats(0, 0));
		assertThat(this.policy.reason(worker, after(worker, Duration.ofMinutes(9)))).isNull();
		assertThat(this.policy.reason(worker, after(worker, Duration.ofMinutes(11))))
			.contains("older than cluster.worker.max-lifetime (600s)");
	}

	/**
	 * A worker that became ready the moment it was forked.
	 */
	private static SupervisedWorker worker(WorkerStats stats) {
		SupervisedWorker worker = new SupervisedWorker(1, "secret", Instant.now(), System.nanoTime());
		worker.listeningNanos = worker.forkedNanos;
		worker.stats = stats;
		return worker;
	}

	private static RecyclePolicy policy(SupervisorSettings.Recycling recycling) {
		return new RecyclePolicy(recycling, SETTLE);
	}

	private static long after(SupervisedWorker worker, Duration age) {
		return worker.forkedNanos + age.toNanos();
	}

	private static WorkerStats stats(long requests, long heapAfterGc) {
		return new WorkerStats(0, heapAfterGc, -1, requests, 0, -1, 0, 0, null, null);
	}

}
