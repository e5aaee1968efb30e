package io.clusterboot.internal.ipc;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.OperationOutcome;

/**
 * The frames master and workers exchange, one record per frame type.
 *
 * @since 0.1.0
 */
public final class Frames {

	/**
	 * Target of a {@link Message} that means the master.
	 */
	public static final int MASTER = 0;

	/**
	 * Target of a {@link Message} that means every worker.
	 */
	public static final int ALL_WORKERS = -1;

	private Frames() {
	}

	/**
	 * First frame of a worker: who it claims to be and the secret it was launched with.
	 *
	 * @param workerId the worker's slot id
	 * @param pid the worker's process id
	 * @param secret the per-launch secret from the worker's environment
	 */
	public record Hello(int workerId, long pid, String secret) {

		@Override
		public String toString() {
			return "Hello[workerId=" + this.workerId + ", pid=" + this.pid + "]";
		}

	}

	/**
	 * Master's answer to an accepted {@link Hello}.
	 *
	 * @param masterPid the master's process id
	 * @param heartbeatIntervalMillis how often the worker should send a {@link Heartbeat}
	 * @param requestLimit requests after which the worker will be recycled, so that it
	 * reports reaching them at once; 0 for none
	 * @param messageCredit how many messages the worker may send before the master
	 * returns {@link Credit} for them
	 * @param classDataDump the file the worker is to write a class-data archive to once
	 * its application context is refreshed and before its web server starts, then report
	 * with {@link ClassDataDumped}; {@code null} for none
	 */
	public record Welcome(long masterPid, long heartbeatIntervalMillis, long requestLimit, int messageCredit,
			@Nullable String classDataDump) {

		/**
		 * A welcome that asks for no class data.
		 * @param masterPid the master's process id
		 * @param heartbeatIntervalMillis how often the worker should send a
		 * {@link Heartbeat}
		 * @param requestLimit requests after which the worker will be recycled; 0 for
		 * none
		 * @param messageCredit how many messages the worker may send before the master
		 * returns {@link Credit} for them
		 */
		public Welcome(long masterPid, long heartbeatIntervalMillis, long requestLimit, int messageCredit) {
			this(masterPid, heartbeatIntervalMillis, requestLimit, messageCredit, null);
		}

	}

	/**
	 * First frame of an operator's command ({@code --cluster.control=...}), in place of a
	 * {@link Hello}: a peer of the master's own OS user that is no worker, holds no
	 * secret and takes no slot, and may only ask for the cluster's state, a rolling
	 * restart, a new number of workers or a stop.
	 *
	 * @param pid the command's process id
	 */
	public record ControlHello(long pid) {
	}

	/**
	 * Master's answer to a {@link ControlHello}: enough for the command to check that it
	 * reached the master it was looking for, not another one or a process that reused
	 * the pid.
	 *
	 * @param masterPid the master's process id
	 * @param pidFile the absolute path of the pid file the master wrote, or {@code null}
	 * if it wrote none
	 * @param shutdownTimeoutMillis the time the master gives a stopping worker
	 */
	public record ControlWelcome(long masterPid, @Nullable String pidFile, long shutdownTimeoutMillis) {
	}

	/**
	 * The worker's application is ready and, if it is a web application, its server is
	 * bound.
	 *
	 * @param host the bound host, or {@code null} for a worker without a web server
	 * @param port the bound port, or {@code -1} for a worker without a web server
	 * @param managementPort the port of a separate management server, or {@code -1} if
	 * there is none
	 */
	public record Listening(@Nullable String host, int port, int managementPort) {

		/**
		 * A worker with no separate management server.
		 * @param host the bound host, or {@code null} for a worker without a web server
		 * @param port the bound port, or {@code -1} for a worker without a web server
		 */
		public Listening(@Nullable String host, int port) {
			this(host, port, -1);
		}

	}

	/**
	 * Periodic sign of life with a small sample of the worker's state.
	 *
	 * @param heapUsed bytes of heap in use
	 * @param heapAfterGc bytes of heap in use after the latest garbage collection, or -1
	 * before the first one
	 * @param heapMax maximum heap size in bytes, or -1 if undefined
	 * @param requests requests served since the worker started
	 * @param requestsInFlight requests being served now
	 * @param sinceRequestCompletedMillis time since a request last completed or reached
	 * the worker while it had none in flight, or since the worker became ready if neither
	 * has happened, or -1 before it is ready
	 * @param messagesRefused messages the worker's messenger refused for want of credit
	 * @param uptimeMillis time since the worker's JVM started
	 * @param liveness the worker's Spring liveness state ({@code CORRECT}, {@code BROKEN}),
	 * or {@code null} before its application context exists
	 * @param readiness the worker's Spring readiness state, or {@code null}
	 */
	public record Heartbeat(long heapUsed, long heapAfterGc, long heapMax, long requests, int requestsInFlight,
			long sinceRequestCompletedMillis, long messagesRefused, long uptimeMillis, @Nullable String liveness,
			@Nullable String readiness) {
	}

	/**
	 * A user message.
	 *
	 * @param source the sending worker's id, or {@link #MASTER}
	 * @param target the receiving worker's id, {@link #MASTER} or {@link #ALL_WORKERS}
	 * @param payload the message as JSON
	 */
	public record Message(int source, int target, JsonNode payload) {
	}

	/**
	 * The master's view of the whole cluster, pushed to every worker whenever it changes
	 * and at every heartbeat interval.
	 *
	 * @param snapshot the cluster's state
	 */
	public record State(ClusterSnapshot snapshot) {
	}

	/**
	 * A request that expects a {@link Reply}: from a worker to the master (an operation
	 * on the cluster, a scrape of the other workers), from the master to a worker (a
	 * scrape of its metrics), or from an operator's command to the master (answered with
	 * progress replies until the operation completes; {@link Action#STATUS} is answered
	 * with a {@link State}).
	 *
	 * @param id correlates the reply, unique per sender
	 * @param action what is asked
	 * @param workerId the worker the action concerns, if any
	 * @param count the number of workers, for {@link Action#SCALE}
	 * @param format the exposition format, for {@link Action#SCRAPE}
	 * @param names the only metric names to include, for {@link Action#SCRAPE}, or
	 * {@code null} for all
	 */
	public record Request(long id, Action action, @Nullable Integer workerId, @Nullable Integer count,
			@Nullable String format, @Nullable Set<String> names) {

		/**
		 * What a request asks for.
		 */
		public enum Action {

			/**
			 * Run {@code count} workers.
			 */
			SCALE,

			/**
			 * Replace every worker, one at a time.
			 */
			RESTART,

			/**
			 * Replace one worker gracefully.
			 */
			REPLACE,

			/**
			 * Gather the metrics of every other worker (worker to master), or of this
			 * worker (master to worker).
			 */
			SCRAPE,

			/**
			 * Send the cluster's state (an operator's command only).
			 */
			STATUS,

			/**
			 * Stop the cluster gracefully (an operator's command only).
			 */
			STOP

		}

	}

	/**
	 * The answer to a {@link Request}, or one piece of it: a scrape of all the other
	 * workers comes back one worker at a time, so that no frame has to hold them all.
	 *
	 * @param id the request's id
	 * @param status how it went
	 * @param message a description for people, if any
	 * @param scrapes for a scrape: exposition text by worker id ({@code null} text for a
	 * worker whose metrics could not be had)
	 * @param more whether more pieces of the answer follow
	 */
	public record Reply(long id, OperationOutcome.Status status, @Nullable String message,
			@Nullable Map<Integer, @Nullable String> scrapes, boolean more) {

		/**
		 * A whole answer in one frame.
		 * @param id the request's id
		 * @param status how it went
		 * @param message a description for people, if any
		 * @return the reply
		 */
		public static Reply of(long id, OperationOutcome.Status status, @Nullable String message) {
			return new Reply(id, status, message, null, false);
		}

	}

	/**
	 * The master has delivered messages of the worker and lets it send as many more.
	 *
	 * @param messages how many more messages the worker may send
	 */
	public record Credit(int messages) {
	}

	/**
	 * The worker is exiting of its own accord (its shutdown hooks are running), so that
	 * the master can tell an exit code of 128 and above from a signal.
	 *
	 * @param pid the worker's process id
	 * @param failure why its application failed to start, or {@code null} if it did not
	 */
	public record Exiting(long pid, @Nullable String failure) {
	}

	/**
	 * The worker has written the class-data archive its {@link Welcome} asked for, or
	 * could not.
	 *
	 * @param file the file it was asked to write
	 * @param pauseMillis how long writing it took, the worker's threads stopped for most
	 * of it
	 * @param failure why there is no archive, or {@code null} if it was written
	 */
	public record ClassDataDumped(String file, long pauseMillis, @Nullable String failure) {
	}

	/**
	 * A spare worker's application context is refreshed and nothing in it has started:
	 * it waits for {@link Promote}.
	 *
	 * @param bootMillis how long it took from the JVM's start
	 */
	public record StandingBy(long bootMillis) {
	}

	/**
	 * The master promotes a spare into a slot: it takes the slot's id and starts its
	 * application (web server, schedulers, listeners).
	 *
	 * @param workerId the slot it now serves
	 */
	public record Promote(int workerId) {
	}

}
