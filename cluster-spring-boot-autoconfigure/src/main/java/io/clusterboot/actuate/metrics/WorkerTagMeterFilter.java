package io.clusterboot.actuate.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Tags every meter of a worker with {@code worker=<id>}, so that each worker's series
 * stay apart once gathered, except the cluster-wide meters of {@link ClusterMetrics}. A
 * meter that already has a {@code worker} tag keeps its value, and is tagged
 * {@code cluster.worker=<id>} instead (label {@code cluster_worker} in Prometheus).
 *
 * @since 0.1.0
 */
public class WorkerTagMeterFilter implements MeterFilter {

	private final Tag tag;

	private final Tag fallbackTag;

	/**
	 * Create a filter.
	 * @param workerId this worker's id
	 */
	public WorkerTagMeterFilter(int workerId) {
		this.tag = Tag.of("worker", Integer.toString(workerId));
		this.fallbackTag = Tag.of("cluster.worker", Integer.toString(workerId));
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		if (ClusterMetrics.METER_NAMES.contains(id.getName())) {
			return id;
		}
		return id.withTag((id.getTag(this.tag.getKey()) != null) ? this.fallbackTag : this.tag);
	}

}
