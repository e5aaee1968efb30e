package io.clusterboot.actuate.endpoint;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * One worker process as {@code /actuator/cluster} shows it.
 *
 * @param id the worker's slot id
 * @param pid the process id
 * @param state the worker's state
 * @param forkedAt when it was started
 * @param listeningAt when it became ready
 * @param uptimeMillis time since it was started
 * @param restarts how many times its slot was restarted after an unplanned exit
 * @param lastExit how the slot's previous worker exited
 * @param heapUsed bytes of heap in use, from the latest heartbeat
 * @param heapAfterGc bytes of heap in use after the latest garbage collection
 * @param heapMax maximum heap in bytes
 * @param requests requests served
 * @param requestsInFlight requests being served, from the latest heartbeat
 * @param messagesRefused messages the worker could not send to the master because the
 * master had not yet delivered the earlier ones
 * @param liveness its Spring liveness state
 * @param readiness its Spring readiness state
 * @param lastHeartbeatAgeMillis time since its latest heartbeat
 * @param openConnections in proxy mode, the connections the master's proxy has open to it
 * @param connectionsHandedOver in proxy mode, the connections the master's proxy has
 * handed it since it started
 * @since 0.1.0
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerDescriptor(int id, long pid, String state, String forkedAt, @Nullable String listeningAt,
		long uptimeMillis, int restarts, @Nullable ExitDescriptor lastExit, long heapUsed, long heapAfterGc,
		long heapMax, long requests, int requestsInFlight, long messagesRefused,
		@Nullable String liveness, @Nullable String readiness, @Nullable Long lastHeartbeatAgeMillis,
		@Nullable Integer openConnections, @Nullable Long connectionsHandedOver)
		implements OperationResponseBody {

	/**
	 * How a worker exited.
	 *
	 * @param exitCode the exit value ({@code 128 + n} for signal {@code n})
	 * @param signal the signal that ended it, if any
	 * @param cause why it exited
	 * @param planned whether the master wanted it
	 * @param at when
	 * @param description a description for people
	 */
	public record ExitDescriptor(int exitCode, @Nullable String signal, String cause, boolean planned, String at,
			String description) {
	}

}
