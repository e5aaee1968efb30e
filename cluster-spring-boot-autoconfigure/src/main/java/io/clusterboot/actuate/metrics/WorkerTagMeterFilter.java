package io.clusterboot.actuate.metrics;

import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Tags every meter of a worker with {@code worker=<id>}, so that each worker's series
 * stay apart once gathered, except the cluster-wide meters of {@link ClusterMetrics}. A
 * meter that already has a {@code worker} tag keeps its value, and is tagged
 * {@code cluster.worker=<id>} instead (label {@code cluster_worker} in Prometheus).
 * <p>
 * The id is read as each meter is registered. A hot spare has none until it is promoted
 * into a slot: the meters it registers while it waits (JVM, pools, caches) are tagged
 * {@code worker=spare-<pid>}, which no other process shares, and those registered after
 * its promotion (HTTP requests, among others) get the slot's id.
 *
 * @since 0.1.0
 */
public class WorkerTagMeterFilter implements MeterFilter {

	private final IntSupplier workerId;

	private final String spare = "spare-" + ProcessHandle.current().pid();

	/**
	 * Create a filter.
	 * @param workerId this worker's id
	 */
	public WorkerTagMeterFilter(int workerId) {
		this(() -> workerId);
	}

	/**
	 * Create a filter for a worker whose id may change.
	 * @param workerId supplies this worker's id, 0 for a spare not yet promoted
	 */
	public WorkerTagMeterFilter(IntSupplier workerId) {
		this.workerId = workerId;
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		if (ClusterMetrics.METER_NAMES.contains(id.getName())) {
			return id;
		}
		int workerId = this.workerId.getAsInt();
		String value = (workerId != 0) ? Integer.toString(workerId) : this.spare;
		return id.withTag(Tag.of((id.getTag("worker") != null) ? "cluster.worker" : "worker", value));
	}

}
