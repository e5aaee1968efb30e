package io.clusterboot.actuate.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.clusterboot.supervisor.ClusterCounters;
import io.clusterboot.supervisor.ClusterSnapshot;
import io.clusterboot.supervisor.ExitCause;
import io.clusterboot.supervisor.WorkerInfo;
import io.clusterboot.supervisor.WorkerState;
import io.clusterboot.worker.WorkerRuntime;

/**
 * {@link MeterBinder} for the whole cluster, from the state the master keeps every worker
 * up to date with. Its meters, the {@link #METER_NAMES}, describe the cluster, not the
 * worker that reports them, so they carry no {@code worker} tag of the reporting worker
 * and appear once in the cluster-wide Prometheus scrape.
 *
 * @since 0.1.0
 */
public class ClusterMetrics implements MeterBinder {

	/**
	 * Names of the meters this binder registers. Other meters, even if named
	 * {@code cluster.*}, are a worker's own.
	 */
	public static final Set<String> METER_NAMES = Set.of("cluster.workers", "cluster.workers.target",
			"cluster.worker.restarts", "cluster.worker.exits", "cluster.rollouts", "cluster.ipc.messages",
			"cluster.worker.heartbeat.age");

	/**
	 * Names of the Prometheus metric families of the cluster as a whole: those of the
	 * {@link #METER_NAMES} in the Prometheus text and OpenMetrics formats (a counter's
	 * family is {@code x_total} and {@code x_created} in the former, {@code x} in the
	 * latter), and the families the cluster-wide scrape adds.
	 */
	public static final Set<String> PROMETHEUS_FAMILY_NAMES = Set.of("cluster_workers", "cluster_workers_target",
			"cluster_worker_restarts", "cluster_worker_restarts_total", "cluster_worker_restarts_created",
			"cluster_worker_exits", "cluster_worker_exits_total", "cluster_worker_exits_created", "cluster_rollouts",
			"cluster_rollouts_total", "cluster_rollouts_created", "cluster_ipc_messages", "cluster_ipc_messages_total",
			"cluster_ipc_messages_created", "cluster_worker_heartbeat_age_seconds", "cluster_scrape_worker_up",
			"cluster_scrape_type_conflict");

	private final WorkerRuntime runtime;

	/**
	 * Create a binder.
	 * @param runtime the worker's link to its master
	 */
	public ClusterMetrics(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (WorkerState state : WorkerState.values()) {
			if (state != WorkerState.EXITED) {
				Gauge.builder("cluster.workers", this.runtime, (runtime) -> count(runtime, state))
					.tag("state", state.name().toLowerCase(Locale.ROOT))
					.description("Worker processes by state")
					.baseUnit("workers")
					.register(registry);
			}
		}
		Gauge.builder("cluster.workers.target", this.runtime, snapshot(ClusterSnapshot::targetWorkers))
			.description("Number of workers the cluster should run")
			.register(registry);
		FunctionCounter.builder("cluster.worker.restarts", this.runtime, counter(ClusterCounters::restarts))
			.description("Worker restarts after unplanned exits")
			.register(registry);
		for (ExitCause cause : ExitCause.values()) {
			FunctionCounter
				.builder("cluster.worker.exits", this.runtime, counter((counters) -> counters.exits(cause)))
				.tags("cause", cause.name().toLowerCase(Locale.ROOT), "planned", Boolean.toString(cause.isPlanned()))
				.description("Worker exits by cause")
				.register(registry);
		}
		FunctionCounter.builder("cluster.rollouts", this.runtime, counter(ClusterCounters::rolloutsCompleted))
			.tag("outcome", "completed")
			.description("Rolling replacements of workers")
			.register(registry);
		FunctionCounter.builder("cluster.rollouts", this.runtime, counter(ClusterCounters::rolloutsFailed))
			.tag("outcome", "failed")
			.description("Rolling replacements of workers")
			.register(registry);
		FunctionCounter.builder("cluster.ipc.messages", this.runtime, counter(ClusterCounters::messages))
			.description("Messages the master received from workers")
			.register(registry);
		MultiGauge heartbeatAge = MultiGauge.builder("cluster.worker.heartbeat.age")
			.description("Time since the master last heard from each worker")
			.baseUnit("seconds")
			.register(registry);
		// Rows change only when the set of listening workers does; each reads its age when scraped
		this.runtime.addStateListener((snapshot) -> heartbeatAge.register(heartbeatAges(snapshot), false));
	}

	private List<MultiGauge.Row<?>> heartbeatAges(ClusterSnapshot snapshot) {
		List<MultiGauge.Row<?>> rows = new ArrayList<>();
		for (WorkerInfo worker : snapshot.workers()) {
			if (worker.lastHeartbeatAt() != null && worker.state() == WorkerState.LISTENING) {
				rows.add(MultiGauge.Row.of(Tags.of("worker", Integer.toString(worker.id())), this.runtime,
						(runtime) -> heartbeatAge(runtime, worker.id())));
			}
		}
		return rows;
	}

	private static double heartbeatAge(WorkerRuntime runtime, int workerId) {
		ClusterSnapshot snapshot = runtime.getState();
		if (snapshot == null) {
			return Double.NaN;
		}
		for (WorkerInfo worker : snapshot.workers()) {
			Duration age = worker.heartbeatAge(Instant.now());
			if (worker.id() == workerId && worker.state() == WorkerState.LISTENING && age != null) {
				return age.toNanos() / 1e9;
			}
		}
		return Double.NaN;
	}

	private static double count(WorkerRuntime runtime, WorkerState state) {
		ClusterSnapshot snapshot = runtime.getState();
		return (snapshot != null) ? snapshot.workers().stream().filter((worker) -> worker.state() == state).count()
				: Double.NaN;
	}

	private static ToDoubleFunction<WorkerRuntime> snapshot(ToDoubleFunction<ClusterSnapshot> value) {
		return (runtime) -> {
			ClusterSnapshot snapshot = runtime.getState();
			return (snapshot != null) ? value.applyAsDouble(snapshot) : Double.NaN;
		};
	}

	private static ToDoubleFunction<WorkerRuntime> counter(ToDoubleFunction<ClusterCounters> value) {
		return (runtime) -> {
			ClusterSnapshot snapshot = runtime.getState();
			return (snapshot != null) ? value.applyAsDouble(snapshot.counters()) : 0;
		};
	}

}
