package io.clusterboot.internal.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.clusterboot.event.ClusterEventPublisher;
import io.clusterboot.event.ClusterMessageEvent;
import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.state.OperationOutcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WorkerRuntime}, connected to a real {@link IpcServer} in this JVM.
 * <p>
 * A worker that loses its master, or is told to stop, exits the JVM. So the master here
 * is shared by every test, never closes a connection and is never closed, and no test
 * sends a stop command; each test connects a worker of its own id.
 */
class WorkerRuntimeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final long MASTER_PID = 4242;

	private static final long NEVER = Duration.ofHours(1).toMillis();

	private static final AtomicInteger workerIds = new AtomicInteger();

	private static Path directory;

	private static TestMaster master;

	@BeforeAll
	static void startMaster() throws IOException {
		directory = Files.createTempDirectory(Path.of("/tmp"), "wrk");
		master = new TestMaster();
		// Never closed, see above
		IpcServer.start(directory.resolve("m.sock"), new FrameCodec(64 * 1024), master, Duration.ofSeconds(10));
	}

	@AfterAll
	static void deleteSocketFile() throws IOException {
		// The connections outlive the file; closing the server would end them
		Files.deleteIfExists(directory.resolve("m.sock"));
		Files.delete(directory);
	}

	@Test
	void helloCarriesTheWorkerIdPidAndSecret() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		assertThat(master.hellos.get(id)).isEqualTo(new Frames.Hello(id, ProcessHandle.current().pid(), "s3cret"));
		assertThat(runtime.getWorkerId()).isEqualTo(id);
	}

	@Test
	void masterPidComesFromTheWelcome() throws IOException {
		WorkerRuntime runtime = connect(workerIds.incrementAndGet(), NEVER);
		assertThat(runtime.getMasterPid()).isEqualTo(MASTER_PID);
	}

	@Test
	void heartbeatsArriveAtTheWelcomesInterval() throws IOException {
		int id = workerIds.incrementAndGet();
		connect(id, 20);
		// Ten heartbeats take 200ms; at an interval of a second or more they would take 9s
		eventually().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(master.heartbeats(id)).hasSizeGreaterThanOrEqualTo(10));
	}

	@Test
	void firstHeartbeatIsImmediateAndTheNextWaitsForTheInterval() throws IOException {
		int id = workerIds.incrementAndGet();
		connect(id, NEVER);
		eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(1));
		await().during(Duration.ofMillis(500))
			.atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(1));
	}

	@Test
	void reachingTheRequestLimitIsReportedAtOnce() throws IOException {
		int id = workerIds.incrementAndGet();
		master.requestLimits.put(id, 5L);
		WorkerRuntime runtime = connect(id, NEVER);
		eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(1));
		for (int i = 0; i < 4; i++) {
			countRequest(runtime);
		}
		await().during(Duration.ofMillis(300)).atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(1));
		countRequest(runtime);
		eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(2)
			.last()
			.satisfies((heartbeat) -> assertThat(heartbeat.requests()).isEqualTo(5)));
	}

	@Test
	void heartbeatsReportRequestsHeapAndUptime() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, 20);
		countRequest(runtime);
		countRequest(runtime);
		countRequest(runtime);
		eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).anySatisfy((heartbeat) -> {
			assertThat(heartbeat.requests()).isEqualTo(3);
			assertThat(heartbeat.heapUsed()).isPositive();
			assertThat(heartbeat.heapMax()).isNotZero();
			assertThat(heartbeat.uptimeMillis()).isPositive();
			assertThat(heartbeat.liveness()).isNull();
			assertThat(heartbeat.readiness()).isNull();
		}));
	}

	@Test
	void attachRegistersTheRuntimeAsABean() throws IOException {
		WorkerRuntime runtime = connect(workerIds.incrementAndGet(), NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			assertThat(context.getBean(WorkerRuntime.class)).isSameAs(runtime);
			assertThat(context.getBean("clusterWorkerRuntime")).isSameAs(runtime);
		}
	}

	@Test
	void aContextStartedAfterTheFirstClosedIsAttachedToo() throws IOException {
		// What a devtools restart does: close the application's context and start another
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		GenericApplicationContext first = attachedContext(runtime);
		MessageEvents firstEvents = first.getBean(MessageEvents.class);
		first.close();
		try (GenericApplicationContext second = attachedContext(runtime)) {
			assertThat(second.getBean(WorkerRuntime.class)).isSameAs(runtime);
			MessageEvents secondEvents = second.getBean(MessageEvents.class);
			JsonNode payload = JsonMapper.builder().build().readTree("\"after restart\"");
			master.connections.get(id).send(new Frames.Message(Frames.MASTER, id, payload));
			eventually().untilAsserted(() -> assertThat(secondEvents.received).hasSize(1));
			assertThat(firstEvents.received).isEmpty();
		}
	}

	@Test
	void aRequestThatReachesAnIdleWorkerIsNotCountedAsLongWithoutCompletion() throws Exception {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, 50);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			context.publishEvent(ready(context));
			Thread.sleep(600);
			runtime.requestStarted();
			eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).last().satisfies((heartbeat) -> {
				assertThat(heartbeat.requestsInFlight()).isOne();
				assertThat(heartbeat.sinceRequestCompletedMillis()).isBetween(0L, 500L);
			}));
		}
	}

	@Test
	void brokenLivenessIsReportedAtOnceWithTheReadiness() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			AvailabilityChangeEvent.publish(context, LivenessState.BROKEN);
			eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).last().satisfies((heartbeat) -> {
				assertThat(heartbeat.liveness()).isEqualTo("BROKEN");
				assertThat(heartbeat.readiness()).isEqualTo("ACCEPTING_TRAFFIC");
			}));
		}
	}

	@Test
	void readyApplicationReportsWhereItsWebServerListens() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			runtime.webServerStarted("127.0.0.1", 8123);
			assertThat(master.frames(id)).noneMatch(Frames.Listening.class::isInstance);
			context.publishEvent(ready(context));
			eventually().untilAsserted(
					() -> assertThat(master.frames(id)).contains(new Frames.Listening("127.0.0.1", 8123)));
		}
	}

	@Test
	void readyApplicationWithoutWebServerReportsNoPort() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			context.publishEvent(ready(context));
			eventually().untilAsserted(() -> assertThat(master.frames(id)).contains(new Frames.Listening(null, -1)));
		}
	}

	@Test
	void messageFromTheMasterIsPublishedInTheApplicationContext() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			MessageEvents events = context.getBean(MessageEvents.class);
			JsonNode payload = JsonMapper.builder().build().readTree("{\"evict\":\"k\"}");
			master.connections.get(id).send(new Frames.Message(Frames.MASTER, id, payload));
			eventually().untilAsserted(() -> assertThat(events.received).singleElement().satisfies((event) -> {
				assertThat(event.getMessage().isFromMaster()).isTrue();
				assertThat(event.getPayload(Map.class)).isEqualTo(Map.of("evict", "k"));
				assertThat(event.getSource()).isSameAs(runtime);
			}));
		}
	}

	@Test
	void metricsTooLargeForAFrameAreAnsweredAsUnavailable() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		runtime.setScraper((format, names) -> "x".repeat(128 * 1024));
		master.connections.get(id)
			.send(new Frames.Request(77, Frames.Request.Action.SCRAPE, id, null, "CONTENT_TYPE_004", null));
		eventually().untilAsserted(() -> assertThat(master.frames(id)).anySatisfy((frame) -> {
			assertThat(frame).isInstanceOf(Frames.Reply.class);
			Frames.Reply reply = (Frames.Reply) frame;
			assertThat(reply.id()).isEqualTo(77);
			assertThat(reply.status()).isEqualTo(OperationOutcome.Status.UNAVAILABLE);
			assertThat(reply.message()).contains("cluster.ipc.max-frame-size");
		}));
	}

	@Test
	void aMessageLargerThanAFrameIsRefusedNotThrown() throws IOException {
		WorkerRuntime runtime = connect(workerIds.incrementAndGet(), NEVER);
		JsonNode large = JsonMapper.builder().build().getNodeFactory().stringNode("x".repeat(128 * 1024));
		assertThat(runtime.sendMessage(Frames.MASTER, large)).isFalse();
	}

	@Test
	void messagesBeyondTheCreditAreRefusedUntilTheMasterReturnsCredit() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		JsonNode payload = JsonMapper.builder().build().getNodeFactory().stringNode("m");
		for (int i = 0; i < TestMaster.CREDIT; i++) {
			assertThat(runtime.sendMessage(Frames.MASTER, payload)).isTrue();
		}
		assertThat(runtime.sendMessage(Frames.MASTER, payload)).isFalse();
		master.connections.get(id).send(new Frames.Credit(1));
		eventually().untilAsserted(() -> assertThat(runtime.sendMessage(Frames.MASTER, payload)).isTrue());
		assertThat(runtime.sendMessage(Frames.MASTER, payload)).isFalse();
	}

	@Test
	void sendHandsFramesToTheMaster() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		Frames.Message message = new Frames.Message(id, Frames.ALL_WORKERS, runtime.getMapper().valueToTree("hi"));
		assertThat(runtime.sendMessage(Frames.ALL_WORKERS, message.payload())).isTrue();
		eventually().untilAsserted(() -> assertThat(master.frames(id)).contains(message));
	}

	@Test
	void connectRequiresAMaster() {
		WorkerEnvironment environment = new WorkerEnvironment(1, -1, null, null, 8080, null);
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerRuntime.connect(environment, 64 * 1024, Duration.ofSeconds(10)))
			.withMessage("Worker 1 has no master to connect to");
	}

	@Test
	void connectFailsWhenTheMastersSocketIsGone() {
		WorkerEnvironment environment = new WorkerEnvironment(1, MASTER_PID, directory.resolve("gone.sock"),
				TestMaster.SECRET, null, null);
		assertThatIOException().isThrownBy(() -> WorkerRuntime.connect(environment, 64 * 1024, Duration.ofSeconds(10)));
	}

	@Test
	void aWorkerAskedForClassDataWritesItWhenItsContextIsRefreshedAndReports() throws IOException {
		int id = workerIds.incrementAndGet();
		Path file = directory.resolve("worker" + id + ".jsa");
		master.classDataDumps.put(id, file.toString());
		WorkerRuntime runtime = connect(id, NEVER);
		eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(1));
		try (GenericApplicationContext context = attachedContext(runtime)) {
			// This JVM was not started with -XX:+RecordDynamicDumpInfo, so the JVM refuses
			eventually().untilAsserted(() -> assertThat(master.frames(id))
				.filteredOn(Frames.ClassDataDumped.class::isInstance)
				.singleElement()
				.satisfies((frame) -> {
					Frames.ClassDataDumped dumped = (Frames.ClassDataDumped) frame;
					assertThat(dumped.file()).isEqualTo(file.toString());
					assertThat(dumped.failure()).isNotBlank();
				}));
			eventually().untilAsserted(() -> assertThat(master.heartbeats(id)).hasSize(2));
		}
		assertThat(file).doesNotExist();
	}

	@Test
	void aWorkerNotAskedForClassDataWritesNone() throws IOException {
		int id = workerIds.incrementAndGet();
		WorkerRuntime runtime = connect(id, NEVER);
		try (GenericApplicationContext context = attachedContext(runtime)) {
			assertThat(context.containsBean("clusterClassDataDump")).isFalse();
		}
	}

	private static WorkerRuntime connect(int workerId, long heartbeatIntervalMillis) throws IOException {
		master.intervals.put(workerId, heartbeatIntervalMillis);
		return WorkerRuntime.connect(new WorkerEnvironment(workerId, MASTER_PID, directory.resolve("m.sock"),
				TestMaster.SECRET, null, null), 64 * 1024, Duration.ofSeconds(10));
	}

	private static GenericApplicationContext attachedContext(WorkerRuntime runtime) {
		GenericApplicationContext context = new GenericApplicationContext();
		context.registerBean(MessageEvents.class);
		ClusterEventPublisher events = new ClusterEventPublisher(context, runtime, runtime.getMapper());
		runtime.attach(context, events::received);
		context.refresh();
		return context;
	}

	private static void countRequest(WorkerRuntime runtime) {
		runtime.requestStarted();
		runtime.requestCompleted();
	}

	private static ApplicationReadyEvent ready(GenericApplicationContext context) {
		return new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ofSeconds(1));
	}

	private static ConditionFactory eventually() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	/**
	 * Collects the messages the worker's context receives.
	 */
	static class MessageEvents implements ApplicationListener<ClusterMessageEvent> {

		final List<ClusterMessageEvent> received = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ClusterMessageEvent event) {
			this.received.add(event);
		}

	}

	/**
	 * The master's side: welcomes workers with the heartbeat interval set for them and
	 * records what they send. It never throws and never closes a connection.
	 */
	static class TestMaster implements IpcServer.Handler {

		static final String SECRET = "s3cret";

		static final int CREDIT = 5;

		final Map<Integer, Long> intervals = new ConcurrentHashMap<>();

		final Map<Integer, Long> requestLimits = new ConcurrentHashMap<>();

		final Map<Integer, String> classDataDumps = new ConcurrentHashMap<>();

		final Map<Integer, Frames.Hello> hellos = new ConcurrentHashMap<>();

		final Map<Integer, IpcPeer> connections = new ConcurrentHashMap<>();

		private final Map<Integer, List<Object>> frames = new ConcurrentHashMap<>();

		@Override
		public @Nullable Object authenticate(IpcPeer connection, Frames.Hello hello) {
			if (!SECRET.equals(hello.secret())) {
				return null;
			}
			this.hellos.put(hello.workerId(), hello);
			this.connections.put(hello.workerId(), connection);
			connection.send(new Frames.Welcome(MASTER_PID, this.intervals.getOrDefault(hello.workerId(), NEVER),
					this.requestLimits.getOrDefault(hello.workerId(), 0L), CREDIT,
					this.classDataDumps.get(hello.workerId())));
			return hello.workerId();
		}

		@Override
		public void onFrame(IpcPeer connection, Object frame) {
			frames((Integer) connection.getAttachment()).add(frame);
		}

		@Override
		public void onClose(IpcPeer connection, String reason) {
		}

		List<Object> frames(int workerId) {
			return this.frames.computeIfAbsent(workerId, (id) -> new CopyOnWriteArrayList<>());
		}

		List<Frames.Heartbeat> heartbeats(int workerId) {
			return frames(workerId).stream()
				.filter(Frames.Heartbeat.class::isInstance)
				.map(Frames.Heartbeat.class::cast)
				.toList();
		}

	}

}
