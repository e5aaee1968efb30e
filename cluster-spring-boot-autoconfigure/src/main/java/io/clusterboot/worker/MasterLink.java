package io.clusterboot.worker;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;

/**
 * A worker's link to its master: the cluster's state as the master last pushed it, and
 * the operations on the cluster the master carries out. A bean in every worker; absent in
 * an ordinary single process.
 *
 * @since 0.1.0
 */
public interface MasterLink {

	/**
	 * This worker's id.
	 * @return the slot id, from 1
	 */
	int getWorkerId();

	/**
	 * The master's process id.
	 * @return the master's pid
	 */
	long getMasterPid();

	/**
	 * The master's latest view of the cluster.
	 * @return the snapshot, or {@code null} before the first one arrived
	 */
	@Nullable ClusterSnapshot getState();

	/**
	 * How long ago the latest snapshot arrived.
	 * @return the age, or {@code null} before the first one arrived
	 */
	@Nullable Duration getStateAge();

	/**
	 * Be told of every snapshot the master sends.
	 * @param listener called on the channel's thread; must be quick
	 */
	void addStateListener(Consumer<ClusterSnapshot> listener);

	/**
	 * Ask the master to run a number of workers.
	 * @param workers the number of workers
	 * @return what the master did; never completes exceptionally
	 */
	CompletableFuture<OperationOutcome> scale(int workers);

	/**
	 * Ask the master to replace every worker, one at a time.
	 * @return what the master did; never completes exceptionally
	 */
	CompletableFuture<OperationOutcome> rollingRestart();

	/**
	 * Ask the master to replace one worker gracefully.
	 * @param workerId the worker's id
	 * @return what the master did; never completes exceptionally
	 */
	CompletableFuture<OperationOutcome> replace(int workerId);

	/**
	 * Gather the metrics of every other worker through the master.
	 * @param format the exposition format, as the scraper understands it
	 * @param names the only metric names to include, or {@code null} for all
	 * @param timeout how long to wait for the master's answer
	 * @return exposition text by worker id, with {@code null} for each worker whose
	 * metrics could not be had; never completes exceptionally
	 */
	CompletableFuture<Map<Integer, @Nullable String>> scrapeOthers(String format, @Nullable Set<String> names,
			Duration timeout);

	/**
	 * Set how this worker renders its own metrics when another worker gathers them.
	 * @param scraper renders the metrics
	 */
	void setScraper(Scraper scraper);

	/**
	 * Renders a worker's metrics for another worker's scrape.
	 */
	@FunctionalInterface
	interface Scraper {

		/**
		 * Render this worker's metrics.
		 * @param format the exposition format
		 * @param names the only metric names to include, or {@code null} for all
		 * @return the exposition text
		 */
		String scrape(String format, @Nullable Set<String> names);

	}

}
