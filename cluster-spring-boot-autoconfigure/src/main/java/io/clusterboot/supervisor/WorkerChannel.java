package io.clusterboot.supervisor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.state.OperationOutcome;

/**
 * The supervisor's channel to its workers: who may connect, what their frames become, and
 * what the master sends them. Lifecycle frames (online, listening, heartbeats, requests,
 * exits) become commands for the supervisor's thread; user messages never go through it:
 * they are delivered or relayed on the channel's own thread, and each worker may have only
 * {@code messageCredit} of them on their way to the master's listeners, so that no number
 * of messages can delay the supervisor's timers or grow the master's memory.
 */
final class WorkerChannel implements IpcServer.Handler {

	private static final Log logger = LogFactory.getLog(WorkerChannel.class);

	private final ClusterSupervisor supervisor;

	private final FrameCodec codec;

	private final SupervisorListener listener;

	private final int messageCredit;

	private final long masterPid = ProcessHandle.current().pid();

	private final Map<String, SupervisedWorker> awaitingHello = new ConcurrentHashMap<>();

	/**
	 * Connections of the workers serving in their slots, by slot id: where messages to a
	 * worker go.
	 */
	private final Map<Integer, IpcPeer> serving = new ConcurrentHashMap<>();

	private final Map<IpcPeer, AtomicInteger> creditOwed = new ConcurrentHashMap<>();

	private final AtomicLong messages = new AtomicLong();

	private final AtomicLong messagesDropped = new AtomicLong();

	private final ScrapeGathering scrapes = new ScrapeGathering();

	WorkerChannel(ClusterSupervisor supervisor, FrameCodec codec, SupervisorListener listener, int messageCredit) {
		this.supervisor = supervisor;
		this.codec = codec;
		this.listener = listener;
		this.messageCredit = messageCredit;
	}

	// ---------------------------------------------------------------- channel thread

	@Override
	public @Nullable Object authenticate(IpcPeer connection, Frames.Hello hello) {
		SupervisedWorker worker = (hello.secret() != null) ? this.awaitingHello.get(hello.secret()) : null;
		if (worker == null || worker.id != hello.workerId() || (worker.pid != -1 && worker.pid != hello.pid())
				|| !MessageDigest.isEqual(worker.secret.getBytes(StandardCharsets.US_ASCII),
						hello.secret().getBytes(StandardCharsets.US_ASCII))) {
			logger.warn("Refused IPC peer claiming to be worker " + hello.workerId() + " (pid " + hello.pid()
					+ "): unknown worker or wrong secret");
			return null;
		}
		this.awaitingHello.remove(hello.secret());
		this.creditOwed.put(connection, new AtomicInteger());
		this.supervisor.execute(() -> this.supervisor.onOnline(worker, connection));
		return worker;
	}

	@Override
	public void onFrame(IpcPeer connection, Object frame) throws MalformedFrameException {
		SupervisedWorker worker = (SupervisedWorker) connection.getAttachment();
		if (frame instanceof Frames.Message message) {
			onMessage(worker, connection, message);
		}
		else if (frame instanceof Frames.Heartbeat heartbeat) {
			this.supervisor.execute(() -> this.supervisor.onHeartbeat(worker, heartbeat));
		}
		else if (frame instanceof Frames.Listening listening) {
			this.supervisor.execute(() -> this.supervisor.onListening(worker, listening));
		}
		else if (frame instanceof Frames.Request request) {
			this.supervisor.execute(() -> onRequest(worker, connection, request));
		}
		else if (frame instanceof Frames.Reply reply) {
			this.supervisor.execute(() -> this.scrapes.received(worker, reply, this.supervisor.nanoTime()));
		}
		else if (frame instanceof Frames.Exiting exiting) {
			this.supervisor.execute(() -> {
				worker.exiting = true;
				worker.startFailure = exiting.failure();
			});
		}
		else if (frame instanceof Frames.StandingBy standingBy) {
			this.supervisor.execute(() -> this.supervisor.onStandingBy(worker, standingBy));
		}
		else if (frame instanceof Frames.ClassDataDumped dumped) {
			this.supervisor.execute(() -> onClassDataDumped(worker, dumped));
		}
		else {
			throw new MalformedFrameException("unexpected " + frame.getClass().getSimpleName() + " from a worker");
		}
	}

	@Override
	public void onClose(IpcPeer connection, String reason) {
		SupervisedWorker worker = (SupervisedWorker) connection.getAttachment();
		this.creditOwed.remove(connection);
		this.supervisor.execute(() -> this.supervisor.onDisconnect(worker, connection, reason));
	}

	private void onMessage(SupervisedWorker worker, IpcPeer connection, Frames.Message message) {
		if (message.target() == Frames.MASTER) {
			this.messages.incrementAndGet();
			this.listener.message(this.supervisor.info(worker.id, worker.pid), message.payload(),
					() -> returnCredit(connection));
			return;
		}
		if (message.target() == Frames.ALL_WORKERS) {
			broadcast(worker.id, message.payload());
		}
		else if (!send(worker.id, message.target(), message.payload())) {
			logger.debug("Dropped a message from " + worker + " to worker " + message.target()
					+ ": it is not connected or not reading");
		}
		returnCredit(connection);
	}

	private void returnCredit(IpcPeer connection) {
		AtomicInteger owed = this.creditOwed.get(connection);
		if (owed == null) {
			// Its channel has closed: no one to give the credit to
			return;
		}
		int batch = Math.max(1, this.messageCredit / 4);
		if (owed.incrementAndGet() >= batch) {
			int credit = owed.getAndSet(0);
			if (credit > 0) {
				connection.send(new Frames.Credit(credit));
			}
		}
	}

	// ---------------------------------------------------------------- any thread

	/**
	 * Send a message to the worker serving in a slot.
	 * @param sourceId {@link Frames#MASTER} or the sending worker's id
	 * @param workerId the receiving slot
	 * @param payload the message
	 * @return {@code false} if that worker is not connected or has stopped reading
	 */
	boolean send(int sourceId, int workerId, JsonNode payload) {
		IpcPeer connection = this.serving.get(workerId);
		if (connection == null) {
			return false;
		}
		if (!connection.send(new Frames.Message(sourceId, workerId, payload))) {
			this.messagesDropped.incrementAndGet();
			return false;
		}
		return true;
	}

	/**
	 * Send a message to every serving worker, encoded once.
	 * @param sourceId {@link Frames#MASTER} or the sending worker's id
	 * @param payload the message
	 * @return the number of workers it was handed to
	 */
	int broadcast(int sourceId, JsonNode payload) {
		ByteBuffer frame;
		try {
			frame = this.codec.encode(new Frames.Message(sourceId, Frames.ALL_WORKERS, payload));
		}
		catch (FrameCodec.FrameTooLargeException ex) {
			logger.warn("Dropped a message to all workers: " + ex.getMessage());
			this.messagesDropped.incrementAndGet();
			return 0;
		}
		int sent = 0;
		for (IpcPeer connection : this.serving.values()) {
			if (connection.sendEncoded(frame.duplicate())) {
				sent++;
			}
			else {
				this.messagesDropped.incrementAndGet();
			}
		}
		return sent;
	}

	long messages() {
		return this.messages.get();
	}

	long messagesDropped() {
		return this.messagesDropped.get();
	}

	// ---------------------------------------------------------------- supervisor thread

	/**
	 * Expect a new worker's hello.
	 * @param worker the worker about to be started
	 */
	void expect(SupervisedWorker worker) {
		this.awaitingHello.put(worker.secret, worker);
	}

	/**
	 * Stop expecting a worker's hello: it failed to start or has exited.
	 * @param worker the worker
	 */
	void forget(SupervisedWorker worker) {
		this.awaitingHello.remove(worker.secret);
		this.scrapes.forget(worker, this.supervisor.nanoTime());
	}

	void welcome(SupervisedWorker worker, IpcPeer connection, long heartbeatIntervalMillis) {
		String classDataDump = (worker.process != null) ? worker.process.classDataDump() : null;
		connection.send(new Frames.Welcome(this.masterPid, heartbeatIntervalMillis, worker.requestLimit,
				this.messageCredit, classDataDump));
	}

	/**
	 * Tell a spare it now serves a slot.
	 * @param spare the spare
	 * @param workerId the slot's id
	 * @return {@code false} if it could not be told (its channel is closed or full)
	 */
	boolean promote(SupervisedWorker spare, int workerId) {
		IpcPeer connection = spare.connection;
		return connection != null && connection.send(new Frames.Promote(workerId));
	}

	/**
	 * Pass a worker's report on the class-data archive to its process, if that is the
	 * archive it was asked for.
	 */
	private void onClassDataDumped(SupervisedWorker worker, Frames.ClassDataDumped dumped) {
		if (worker.process != null && dumped.file() != null && dumped.file().equals(worker.process.classDataDump())) {
			worker.process.classDataDumped(dumped.pauseMillis(), dumped.failure());
		}
		else {
			logger.debug("Ignored a class data report of " + worker + " for " + dumped.file());
		}
	}

	/**
	 * Route messages for a slot to this worker, from now on.
	 * @param worker the worker serving in its slot
	 */
	void serve(SupervisedWorker worker) {
		if (worker.connection != null && !worker.isLeaving()) {
			this.serving.put(worker.id, worker.connection);
		}
	}

	/**
	 * Route no more messages to this worker.
	 * @param worker the worker
	 */
	void unserve(SupervisedWorker worker) {
		if (worker.connection != null) {
			this.serving.remove(worker.id, worker.connection);
		}
	}

	/**
	 * Send the cluster's state to every connected worker.
	 * @param frame the state frame, encoded once
	 * @param workers the live workers
	 */
	void sendToAll(ByteBuffer frame, Collection<SupervisedWorker> workers) {
		for (SupervisedWorker worker : workers) {
			if (worker.connection != null) {
				worker.connection.sendEncoded(frame.duplicate());
			}
		}
	}

	void answerCompletedScrapes(long now) {
		this.scrapes.answerCompleted(now);
	}

	private void onRequest(SupervisedWorker worker, IpcPeer connection, Frames.Request request) {
		if (request.action() == Frames.Request.Action.SCRAPE) {
			this.scrapes.start(connection, worker.id, request, this.supervisor.servingWorkers(),
					this.supervisor.nanoTime(), this.supervisor.nanoTime() + this.supervisor.scrapeTimeoutNanos());
			return;
		}
		CompletableFuture<String> operation = switch (request.action()) {
			case SCALE -> (request.count() != null) ? this.supervisor.scale(request.count())
				.thenApply((snapshot) -> "Scaling to " + snapshot.targetWorkers() + " workers")
					: CompletableFuture.failedFuture(new IllegalArgumentException("Say how many workers to run"));
			case RESTART -> this.supervisor.rollingRestart()
				.thenApply((status) -> "Rolling restart of " + status.pending().size() + " workers started");
			case REPLACE -> this.supervisor.restart((request.workerId() != null) ? request.workerId() : 0)
				.thenApply((status) -> "Replacing worker " + request.workerId());
			case SCRAPE -> throw new IllegalStateException();
			case STATUS, STOP -> CompletableFuture.failedFuture(new IllegalArgumentException(
					"A worker cannot ask for " + request.action() + "; only an operator's command can"));
		};
		operation.whenComplete((message, ex) -> {
			OperationOutcome outcome = (ex != null) ? OperationFailures.outcome(ex)
					: new OperationOutcome(success(request), message);
			connection.send(Frames.Reply.of(request.id(), outcome.status(), outcome.message()));
		});
	}

	private static OperationOutcome.Status success(Frames.Request request) {
		return (request.action() == Frames.Request.Action.SCALE) ? OperationOutcome.Status.DONE
				: OperationOutcome.Status.ACCEPTED;
	}

}
