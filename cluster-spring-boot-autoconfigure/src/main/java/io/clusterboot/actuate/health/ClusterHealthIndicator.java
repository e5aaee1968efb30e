package io.clusterboot.actuate.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.worker.MasterLink;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator HealthIndicator} of
 * the whole cluster: UP while at least {@code cluster.health.min-workers} workers are
 * listening, with the details of every worker. DOWN also when the master's state is
 * older than three heartbeat intervals. UP with no more to say in a single process.
 *
 * @since 0.1.0
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable MasterLink master;

	private final int minWorkers;

	private final Duration maxStateAge;

	/**
	 * Create an indicator.
	 * @param master the worker's link to its master, or {@code null} in a single process
	 * @param minWorkers listening workers needed for UP
	 * @param heartbeatInterval the interval at which the master refreshes its state
	 */
	public ClusterHealthIndicator(@Nullable MasterLink master, int minWorkers, Duration heartbeatInterval) {
		super("Cluster health check failed");
		this.master = master;
		this.minWorkers = minWorkers;
		this.maxStateAge = heartbeatInterval.multipliedBy(3).plusSeconds(1);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.master == null) {
			builder.up().withDetail("role", "standalone");
			return;
		}
		ClusterSnapshot snapshot = this.master.getState();
		Duration age = this.master.getStateAge();
		if (snapshot == null || age == null) {
			builder.unknown().withDetail("reason", "no state from the master yet");
			return;
		}
		long listening = snapshot.listeningWorkers();
		if (age.compareTo(this.maxStateAge) > 0) {
			builder.down().withDetail("reason", "no state from the master for " + age.toMillis() + "ms");
		}
		else if (listening < this.minWorkers) {
			builder.down().withDetail("reason", "fewer listening workers than cluster.health.min-workers");
		}
		else {
			builder.up();
		}
		builder.withDetail("listening", listening)
			.withDetail("target", snapshot.targetWorkers())
			.withDetail("minWorkers", this.minWorkers)
			.withDetail("workers", details(snapshot));
		if (!snapshot.failingSlots().isEmpty()) {
			Map<String, Object> failing = new LinkedHashMap<>();
			for (SlotInfo slot : snapshot.failingSlots()) {
				failing.put(Integer.toString(slot.id()), Map.of("failedBoots", slot.failedBoots()));
			}
			builder.withDetail("failingSlots", failing);
		}
	}

	private static Map<String, Object> details(ClusterSnapshot snapshot) {
		Instant now = Instant.now();
		Map<String, Object> workers = new LinkedHashMap<>();
		for (WorkerInfo worker : snapshot.workers()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("pid", worker.pid());
			detail.put("state", worker.state());
			Duration heartbeatAge = worker.heartbeatAge(now);
			if (heartbeatAge != null) {
				detail.put("heartbeatAgeMillis", heartbeatAge.toMillis());
			}
			// A slot being replaced has two workers; the second is told apart by its pid
			String key = Integer.toString(worker.id());
			workers.put(workers.containsKey(key) ? key + " (pid " + worker.pid() + ")" : key, detail);
		}
		return workers;
	}

}
