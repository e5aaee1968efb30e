package io.clusterboot.actuate.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

import io.clusterboot.actuate.endpoint.ClusterDescriptor.MasterDescriptor;
import io.clusterboot.actuate.endpoint.ClusterDescriptor.ProcessDescriptor;
import io.clusterboot.actuate.endpoint.ClusterDescriptor.SlotDescriptor;
import io.clusterboot.actuate.endpoint.ClusterDescriptor.TotalsDescriptor;
import io.clusterboot.actuate.endpoint.WorkerDescriptor.ExitDescriptor;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.worker.MasterLink;

/**
 * {@link WebEndpoint @WebEndpoint} showing the whole cluster from whichever worker
 * answers, and forwarding operations on it to the master: {@code POST restart} (rolling
 * restart), {@code POST scale} with {@code {"workers": n}}, and {@code DELETE {id}}
 * (replace one worker). Operations that change the cluster need access granted with
 * {@code management.endpoint.cluster.access=unrestricted}.
 *
 * @since 0.1.0
 */
@WebEndpoint(id = "cluster", defaultAccess = Access.READ_ONLY)
public class ClusterEndpoint {

	private final @Nullable MasterLink master;

	/**
	 * Create an endpoint.
	 * @param master the worker's link to its master, or {@code null} in a single process
	 */
	public ClusterEndpoint(@Nullable MasterLink master) {
		this.master = master;
	}

	/**
	 * The whole cluster.
	 * @return the cluster
	 */
	@ReadOperation
	public ClusterDescriptor cluster() {
		long pid = ProcessHandle.current().pid();
		MasterLink master = this.master;
		ClusterSnapshot snapshot = (master != null) ? master.getState() : null;
		if (master == null || snapshot == null) {
			String role = (master != null) ? "worker" : "standalone";
			int id = (master != null) ? master.getWorkerId() : 0;
			return new ClusterDescriptor(role, new ProcessDescriptor(id, pid), null, null, null, null, null, null, null,
					null, null, null, null, null, null, null, null);
		}
		Instant now = Instant.now();
		Duration age = master.getStateAge();
		List<SlotDescriptor> failing = snapshot.failingSlots()
			.stream()
			.map((slot) -> new SlotDescriptor(slot.id(), slot.failedBoots(),
					(slot.nextStartAt() != null) ? slot.nextStartAt().toString() : null, describe(slot.lastExit())))
			.toList();
		return new ClusterDescriptor("worker", new ProcessDescriptor(master.getWorkerId(), pid),
				new MasterDescriptor(snapshot.masterPid(), snapshot.startedAt().toString(),
						Duration.between(snapshot.startedAt(), now).toMillis()),
				snapshot.portSharing(), (snapshot.port() > 0) ? snapshot.port() : null, snapshot.tcpMigrateReq(),
				snapshot.targetWorkers(), snapshot.workers().size(), snapshot.listeningWorkers(), snapshot.spares(),
				snapshot.maxWorkers(),
				snapshot.stopping(), (age != null) ? age.toMillis() : null, snapshot.rollout(), totals(snapshot),
				snapshot.workers().stream().map((worker) -> describe(worker, now)).toList(),
				failing.isEmpty() ? null : failing);
	}

	/**
	 * One worker: the one serving in the slot, or the newest process of the slot.
	 * @param id the worker id
	 * @return the worker, or 404 if the cluster has no such worker
	 */
	@ReadOperation
	public WebEndpointResponse<WorkerDescriptor> worker(@Selector int id) {
		ClusterSnapshot snapshot = (this.master != null) ? this.master.getState() : null;
		if (snapshot == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return snapshot.worker(id)
			.map((worker) -> new WebEndpointResponse<>(describe(worker, Instant.now())))
			.orElseGet(() -> new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

	/**
	 * Operate on the cluster without a request body, as {@code curl -X POST} does:
	 * {@code restart} replaces every worker one at a time.
	 * @param operation {@code restart}
	 * @return what the master did
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResult> operate(@Selector String operation) {
		return operate(operation, null);
	}

	/**
	 * Operate on the cluster: {@code restart} replaces every worker one at a time;
	 * {@code scale} runs {@code workers} workers.
	 * @param operation {@code restart} or {@code scale}
	 * @param workers the number of workers, for {@code scale}
	 * @return what the master did
	 */
	@WriteOperation
	public WebEndpointResponse<OperationResult> operate(@Selector String operation, @Nullable Integer workers) {
		return switch (operation) {
			case "restart" -> forward(MasterLink::rollingRestart);
			case "scale" -> (workers != null) ? forward((master) -> master.scale(workers))
					: result(WebEndpointResponse.STATUS_BAD_REQUEST, "Say how many workers to run: {\"workers\": n}");
			default -> result(WebEndpointResponse.STATUS_BAD_REQUEST,
					"Unknown operation '" + operation + "'; use 'restart' or 'scale'");
		};
	}

	/**
	 * Replace one worker gracefully: its replacement takes the slot once ready, then it
	 * drains.
	 * @param id the worker id
	 * @return what the master did
	 */
	@DeleteOperation
	public WebEndpointResponse<OperationResult> replace(@Selector int id) {
		return forward((master) -> master.replace(id));
	}

	private WebEndpointResponse<OperationResult> forward(
			Function<MasterLink, CompletableFuture<OperationOutcome>> operation) {
		if (this.master == null) {
			return result(409,
					"This application does not run in cluster mode (cluster.workers)");
		}
		OperationOutcome outcome = operation.apply(this.master).join();
		return result(status(outcome.status()), outcome.message());
	}

	private static int status(OperationOutcome.Status status) {
		return switch (status) {
			case DONE -> WebEndpointResponse.STATUS_OK;
			case ACCEPTED -> 202;
			case INVALID -> WebEndpointResponse.STATUS_BAD_REQUEST;
			case NOT_FOUND -> WebEndpointResponse.STATUS_NOT_FOUND;
			case CONFLICT -> 409;
			case UNAVAILABLE -> WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
		};
	}

	private static WebEndpointResponse<OperationResult> result(int status, String message) {
		return new WebEndpointResponse<>(new OperationResult(status, message), status);
	}

	private static TotalsDescriptor totals(ClusterSnapshot snapshot) {
		Map<String, Long> exits = new TreeMap<>();
		snapshot.counters().exits().forEach((cause, count) -> exits.put(cause.name(), count));
		return new TotalsDescriptor(snapshot.counters().restarts(), exits, snapshot.counters().rolloutsCompleted(),
				snapshot.counters().rolloutsFailed(), snapshot.counters().messages(),
				snapshot.counters().messagesDropped());
	}

	private static @Nullable ExitDescriptor describe(@Nullable WorkerExit exit) {
		return (exit != null) ? new ExitDescriptor(exit.exitCode(), exit.signal(), exit.cause().name(), exit.planned(),
				exit.at().toString(), exit.describe()) : null;
	}

	static WorkerDescriptor describe(WorkerInfo worker, Instant now) {
		ExitDescriptor lastExit = describe(worker.lastExit());
		Duration age = worker.heartbeatAge(now);
		Long heartbeatAge = (age != null) ? age.toMillis() : null;
		return new WorkerDescriptor(worker.id(), worker.pid(), worker.state().name(), worker.forkedAt().toString(),
				(worker.listeningAt() != null) ? worker.listeningAt().toString() : null,
				Duration.between(worker.forkedAt(), now).toMillis(), worker.restarts(), lastExit,
				worker.stats().heapUsed(), worker.stats().heapAfterGc(), worker.stats().heapMax(), worker.stats().requests(),
				worker.stats().requestsInFlight(), worker.stats().messagesRefused(),
				worker.stats().liveness(), worker.stats().readiness(), heartbeatAge,
				(worker.connections() != null) ? worker.connections().open() : null,
				(worker.connections() != null) ? worker.connections().handedOver() : null);
	}

}
