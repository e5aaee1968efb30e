package io.clusterboot.internal.ipc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import tools.jackson.databind.json.JsonMapper;

import io.clusterboot.internal.ipc.FrameCodec.FrameTooLargeException;
import io.clusterboot.state.ClusterCounters;
import io.clusterboot.state.ClusterSnapshot;
import io.clusterboot.state.ConnectionStats;
import io.clusterboot.state.ExitCause;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.RolloutStatus;
import io.clusterboot.state.WorkerExit;
import io.clusterboot.state.WorkerInfo;
import io.clusterboot.state.WorkerState;
import io.clusterboot.state.WorkerStats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link FrameCodec}.
 */
class FrameCodecTests {

	private final FrameCodec codec = new FrameCodec(64 * 1024);

	static Stream<Object> frames() {
		JsonMapper mapper = JsonMapper.builder().build();
		return Stream.of(new Frames.Hello(3, 12345L, "s3cret"), new Frames.Welcome(678L, 1000L, 500L, 1000),
				new Frames.Welcome(678L, 1000L, 0L, 1000, "/cache/app/0123abcd/jvm.jsa.4242.tmp"),
				new Frames.Listening("127.0.0.1", 8080), new Frames.Listening(null, -1), new Frames.Listening("::1", 0, 8081),
				new Frames.Heartbeat(1024L, -1L, -1L, 42L, 0, -1, 0, 5000L, "CORRECT", "ACCEPTING_TRAFFIC"),
				new Frames.Heartbeat(1024L, 512L, 4096L, 0L, 3, 31_000L, 7L, 10L, null, null),
				new Frames.Message(2, Frames.ALL_WORKERS, mapper.readTree("{\"evict\":\"user:1\",\"n\":[1,2.5,null]}")),
				new Frames.Message(Frames.MASTER, 1, mapper.readTree("\"just a string\"")),
				new Frames.Credit(5), new Frames.State(snapshot()),
				new Frames.Request(7L, Frames.Request.Action.SCALE, null, 3, null, null),
				new Frames.Request(8L, Frames.Request.Action.SCRAPE, 2, null, "CONTENT_TYPE_004",
						Set.of("jvm_threads_live_threads")),
				Frames.Reply.of(7L, OperationOutcome.Status.CONFLICT, "busy"),
				new Frames.Reply(8L, OperationOutcome.Status.ACCEPTED, null, Map.of(1, "# TYPE up gauge\nup 1\n"), true),
				new Frames.Reply(8L, OperationOutcome.Status.DONE, null, Collections.singletonMap(2, null), false),
				new Frames.Exiting(4242L, null), new Frames.Exiting(4243L, "IllegalStateException: no database"),
				new Frames.ClassDataDumped("/cache/app/0123abcd/jvm.jsa.4242.tmp", 2150L, null),
				new Frames.ClassDataDumped("/cache/app/0123abcd/jvm.jsa.4242.tmp", 3L,
						"-XX:+RecordDynamicDumpInfo is required"),
				new Frames.ControlHello(5150L), new Frames.ControlWelcome(4200L, "/srv/app/master.pid", 55_000L),
				new Frames.ControlWelcome(4200L, null, 35_000L),
				new Frames.Request(1L, Frames.Request.Action.STATUS, null, null, null, null),
				new Frames.Request(1L, Frames.Request.Action.STOP, null, null, null, null),
				new Frames.StandingBy(5321L), new Frames.Promote(2));
	}

	private static ClusterSnapshot snapshot() {
		Instant now = Instant.parse("2026-11-21T10:15:30.123456789Z");
		WorkerExit exit = new WorkerExit(137, "KILL", ExitCause.KILLED, now);
		WorkerInfo worker = new WorkerInfo(1, 4242L, WorkerState.LISTENING, now, now, null, 8080, 1, exit,
				new WorkerStats(1024L, 800L, 4096L, 99L, 0, -1, 0, 5000L, "CORRECT", "ACCEPTING_TRAFFIC"), now, null,
				new ConnectionStats(3, 120));
		RolloutStatus rollout = new RolloutStatus("restart", now, null, List.of(1), List.of(2), null);
		ClusterCounters counters = new ClusterCounters(Map.of(ExitCause.KILLED, 1L), 1, 0, 0, 3, 0);
		return new ClusterSnapshot(4200L, now, 8080, 2, false, List.of(worker), List.of(), rollout, 16, counters, now,
				"reuseport", 1);
	}

	@ParameterizedTest
	@MethodSource("frames")
	void everyFrameTypeSurvivesARoundTrip(Object frame) throws MalformedFrameException {
		ByteBuffer encoded = this.codec.encode(frame);
		assertThat(encoded.getInt(0)).isEqualTo(encoded.remaining() - 4);
		assertThat(encoded.get(4)).isEqualTo(FrameType.forFrame(frame).code());
		assertThat(this.codec.decode(encoded.position(4))).isEqualTo(frame);
	}

	@Test
	void everyFrameTypeHasItsOwnCode() {
		assertThat(frames().map((frame) -> FrameType.forFrame(frame).code()).distinct())
			.hasSize(FrameType.values().length);
	}

	@Test
	void helloNeverShowsItsSecret() {
		assertThat(new Frames.Hello(3, 12345L, "s3cret").toString()).doesNotContain("s3cret")
			.isEqualTo("Hello[workerId=3, pid=12345]");
	}

	@Test
	void encodeRejectsAnObjectThatIsNotAFrame() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode("hello"))
			.withMessage("Not a frame: java.lang.String");
	}

	@Test
	void encodeAcceptsAFrameOfExactlyTheLimit() {
		Frames.Hello hello = new Frames.Hello(1, 1, "x".repeat(80));
		int length = this.codec.encode(hello).remaining() - 4;
		assertThat(new FrameCodec(length).encode(hello).remaining()).isEqualTo(length + 4);
	}

	@Test
	void encodeRejectsAFrameOverTheLimit() {
		Frames.Hello hello = new Frames.Hello(1, 1, "x".repeat(80));
		int length = this.codec.encode(hello).remaining() - 4;
		FrameCodec small = new FrameCodec(length - 1);
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(() -> small.encode(hello))
			.withMessage("Frame of " + length + " bytes exceeds the limit of " + (length - 1)
					+ " bytes (cluster.ipc.max-frame-size)");
	}

	@Test
	void limitBelow64BytesIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FrameCodec(63))
			.withMessage("Frame size limit must be at least 64 bytes, not 63");
	}

	@ParameterizedTest
	@ValueSource(bytes = { 0, 6, 17, 31, 127, -1, -128 })
	void decodeRejectsAnUnknownType(byte type) {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(type, "{}")))
			.withMessage("Unknown frame type " + type);
	}

	@Test
	void decodeRejectsMalformedJson() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.HELLO.code(), "{\"workerId\":")))
			.withMessageStartingWith("Malformed HELLO frame: ");
	}

	@Test
	void decodeRejectsAnEmptyBody() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.WELCOME.code(), "")))
			.withMessageStartingWith("Malformed WELCOME frame: ");
	}

	@ParameterizedTest
	@ValueSource(bytes = { 1, 2, 3, 4, 5, 7, 13, 14, 15, 16 })
	void decodeRejectsANullBody(byte type) {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(type, "null")))
			.withMessageEndingWith(" frame: null body");
	}

	@Test
	void decodeRejectsJsonOfTheWrongShape() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.LISTENING.code(), "[1,2,3]")))
			.withMessageStartingWith("Malformed LISTENING frame: ");
	}

	@Test
	void decodeRejectsNullForAPrimitive() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.WELCOME.code(),
					"{\"masterPid\":null,\"heartbeatIntervalMillis\":1000}")))
			.withMessageStartingWith("Malformed WELCOME frame: ");
	}

	@Test
	void decodeReadsAWelcomeWithoutClassDataAsAskingForNone() throws MalformedFrameException {
		Object welcome = this.codec.decode(content(FrameType.WELCOME.code(),
				"{\"masterPid\":1,\"heartbeatIntervalMillis\":2,\"requestLimit\":0,\"messageCredit\":10}"));
		assertThat(welcome).isEqualTo(new Frames.Welcome(1, 2, 0, 10, null));
	}

	@Test
	void decodeRejectsAControlHelloWithoutItsPid() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.CONTROL_HELLO.code(), "{\"pid\":null}")))
			.withMessageStartingWith("Malformed CONTROL_HELLO frame: ");
	}

	@Test
	void decodeRejectsAControlWelcomeWithoutTheMastersPid() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.CONTROL_WELCOME.code(),
					"{\"masterPid\":null,\"pidFile\":\"/srv/app/master.pid\",\"shutdownTimeoutMillis\":1}")))
			.withMessageStartingWith("Malformed CONTROL_WELCOME frame: ");
	}

	@Test
	void decodeRejectsAControlHelloOfTheWrongShape() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.CONTROL_HELLO.code(), "[5150]")))
			.withMessageStartingWith("Malformed CONTROL_HELLO frame: ");
	}

	@Test
	void decodeRejectsAnUnknownRequestAction() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.decode(content(FrameType.REQUEST.code(), "{\"id\":1,\"action\":\"DANCE\"}")))
			.withMessageStartingWith("Malformed REQUEST frame: ");
	}

	@Test
	void decodeReadsOnlyTheFrameFromABufferThatSharesItsArray() throws MalformedFrameException {
		Frames.Welcome welcome = new Frames.Welcome(1, 2, 0, 1000);
		ByteBuffer encoded = this.codec.encode(welcome);
		int length = encoded.remaining() - 4;
		byte[] array = new byte[10 + encoded.remaining() + 10];
		Arrays.fill(array, (byte) '}');
		encoded.get(array, 10, encoded.remaining());
		ByteBuffer content = ByteBuffer.wrap(array, 14, length).slice();
		assertThat(this.codec.decode(content)).isEqualTo(welcome);
	}

	@Test
	void newDecoderSplitsWhatEncodeWrote() throws MalformedFrameException {
		List<Object> decoded = new ArrayList<>();
		FrameDecoder decoder = this.codec.newDecoder();
		for (Object frame : frames().toList()) {
			decoder.decode(this.codec.encode(frame), (content) -> decoded.add(this.codec.decode(content)));
		}
		assertThat(decoded).containsExactlyElementsOf(frames().toList());
	}

	private static ByteBuffer content(byte type, String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(1 + bytes.length).put(type).put(bytes).flip();
	}

}
