package io.clusterboot.supervisor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import org.jspecify.annotations.Nullable;

import io.clusterboot.state.ConnectionStats;

/**
 * A {@link ConnectionRouter} that records what it is told, and runs a check when it is
 * told to stop routing to a worker.
 */
final class RecordingRouter implements ConnectionRouter {

	private final List<String> calls = new ArrayList<>();

	private final Map<Long, ConnectionStats> stats = new HashMap<>();

	private LongConsumer onStopRouting = (pid) -> {
	};

	@Override
	public void route(long pid, int port, int managementPort) {
		this.calls.add("route " + pid + " " + port + " " + managementPort);
		this.stats.putIfAbsent(pid, new ConnectionStats(0, 0));
	}

	@Override
	public void stopRouting(long pid) {
		this.calls.add("stop " + pid);
		this.onStopRouting.accept(pid);
	}

	@Override
	public @Nullable ConnectionStats stats(long pid) {
		return this.stats.get(pid);
	}

	void setStats(long pid, ConnectionStats stats) {
		this.stats.put(pid, stats);
	}

	void onStopRouting(LongConsumer check) {
		this.onStopRouting = check;
	}

	List<String> calls() {
		return this.calls;
	}

}
