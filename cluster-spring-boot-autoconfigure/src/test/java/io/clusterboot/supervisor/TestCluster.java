package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.SlotInfo;
import io.clusterboot.state.WorkerInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link ClusterSupervisor} on fake processes, a fake clock and fake connections, whose
 * loop a test turns by hand: nothing happens between two {@link #turn() turns} but what
 * the test does, and no turn waits.
 */
final class TestCluster {

	static final int PORT = 8080;

	/**
	 * Processors enough for every worker of a test to boot at once, unless it says otherwise.
	 */
	static final int ENOUGH_PROCESSORS = 64;

	private final FakeClock clock = new FakeClock();

	private final FakeWorkerProcesses processes = new FakeWorkerProcesses();

	private final RecordingSupervisorListener listener = new RecordingSupervisorListener();

	private final FrameCodec codec = new FrameCodec(1024 * 1024);

	private final Map<FakeWorkerProcess, TestWorker> workers = new LinkedHashMap<>();

	private final SupervisorSettings settings;

	private final ClusterSupervisor supervisor;

	TestCluster(TestSettings settings) {
		this(settings, null);
	}

	/**
	 * A cluster on a machine with the given number of processors.
	 * @param settings the settings
	 * @param processors the processors the master sees
	 */
	TestCluster(TestSettings settings, int processors) {
		this(settings, null, processors);
	}

	/**
	 * A cluster in proxy mode.
	 * @param settings the settings
	 * @param router hands connections to the workers, or {@code null} for workers that
	 * share the port themselves
	 */
	TestCluster(TestSettings settings, @Nullable ConnectionRouter router) {
		this(settings, router, ENOUGH_PROCESSORS);
	}

	private TestCluster(TestSettings settings, @Nullable ConnectionRouter router, int processors) {
		this.settings = settings.build();
		this.supervisor = new ClusterSupervisor(this.settings, this.processes, this.listener, this.codec, PORT,
				new ExitClassifier(true, "Linux"), 1, this.clock, router, processors);
	}

	/**
	 * Fork the first workers.
	 * @return this cluster
	 */
	TestCluster start() {
		this.supervisor.start();
		return this;
	}

	/**
	 * Fork the first workers and have each of them connect and become ready.
	 * @return this cluster
	 */
	TestCluster startServing() {
		start();
		for (TestWorker worker : workers()) {
			worker.connect().listen();
		}
		turn();
		assertThat(snapshot().listeningWorkers()).isEqualTo(this.settings.workers());
		return this;
	}

	/**
	 * Run one turn of the supervisor's loop, without waiting for a command.
	 * @return whether the supervisor has more to do ({@code false} once it has stopped)
	 */
	boolean turn() {
		try {
			return this.supervisor.turn(0);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Move the clock, then run one turn.
	 * @param duration how far
	 */
	void advance(Duration duration) {
		this.clock.advance(duration);
		turn();
	}

	/**
	 * Let time pass a second at a time, every connected worker sending a heartbeat each
	 * second, with a turn after each.
	 * @param duration how long
	 */
	void serveFor(Duration duration) {
		for (long second = 0; second < duration.toSeconds(); second++) {
			this.clock.advance(Duration.ofSeconds(1));
			for (TestWorker worker : workers()) {
				if (worker.isConnected()) {
					worker.heartbeat();
				}
			}
			turn();
		}
	}

	/**
	 * Complete an operation: run the turn that handles it.
	 * @param <T> the result type
	 * @param operation the operation's future
	 * @return its result
	 */
	<T> T complete(CompletableFuture<T> operation) {
		turn();
		assertThat(operation).isDone();
		return operation.join();
	}

	/**
	 * The newest process started for a slot.
	 * @param id the slot id
	 * @return the worker
	 */
	TestWorker worker(int id) {
		List<TestWorker> slot = workers(id);
		assertThat(slot).as("processes started for worker %d", id).isNotEmpty();
		return slot.get(slot.size() - 1);
	}

	/**
	 * Every process started for a slot, oldest first.
	 * @param id the slot id
	 * @return the workers
	 */
	List<TestWorker> workers(int id) {
		return this.processes.startedFor(id).stream().map(this::worker).toList();
	}

	/**
	 * Every process started, oldest first.
	 * @return the workers
	 */
	List<TestWorker> workers() {
		return this.processes.started().stream().map(this::worker).toList();
	}

	/**
	 * Every process started as a spare, oldest first.
	 * @return the spares, promoted or not
	 */
	List<TestWorker> spares() {
		return workers().stream().filter((worker) -> worker.launchedAs() == 0).toList();
	}

	private TestWorker worker(FakeWorkerProcess process) {
		return this.workers.computeIfAbsent(process,
				(key) -> new TestWorker(key, this.supervisor.channel(), this.codec));
	}

	ClusterSnapshot snapshot() {
		return this.supervisor.snapshot();
	}

	SlotInfo slot(int id) {
		return snapshot().slots()
			.stream()
			.filter((slot) -> slot.id() == id)
			.findFirst()
			.orElseThrow(() -> new AssertionError("No slot " + id + " in " + snapshot().slots()));
	}

	/**
	 * A live worker as the supervisor last published it.
	 * @param worker the worker
	 * @return its info
	 */
	WorkerInfo info(TestWorker worker) {
		return snapshot().workers()
			.stream()
			.filter((info) -> info.pid() == worker.pid())
			.findFirst()
			.orElseThrow(() -> new AssertionError(worker + " is not live in " + snapshot().workers()));
	}

	ClusterSupervisor supervisor() {
		return this.supervisor;
	}

	SupervisorSettings settings() {
		return this.settings;
	}

	FakeClock clock() {
		return this.clock;
	}

	FakeWorkerProcesses processes() {
		return this.processes;
	}

	RecordingSupervisorListener listener() {
		return this.listener;
	}

	FrameCodec codec() {
		return this.codec;
	}

}
