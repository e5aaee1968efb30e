package io.clusterboot.internal.ipc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FrameDecoder}.
 */
class FrameDecoderTests {

	private static final int LIMIT = 4096;

	private final FrameCodec codec = new FrameCodec(LIMIT);

	private final List<Object> frames = List.of(new Frames.Hello(1, 4242L, "s3cret"), new Frames.Welcome(99L, 500L, 0L, 1000),
			new Frames.Heartbeat(1L, 1L, 2L, 3L, 0, -1, 0, 4L, "CORRECT", null),
			new Frames.Message(1, Frames.MASTER, JsonMapper.builder().build().readTree("{\"text\":\"héllo ✓\"}")));

	private final List<Object> decoded = new ArrayList<>();

	@Test
	void severalFramesInOneBufferAreAllDecoded() throws MalformedFrameException {
		ByteBuffer input = stream();
		this.codec.newDecoder().decode(input, this::collect);
		assertThat(this.decoded).isEqualTo(this.frames);
		assertThat(input.hasRemaining()).isFalse();
	}

	@Test
	void framesSplitAtEveryByteBoundaryAreDecoded() throws MalformedFrameException {
		byte[] stream = toArray(stream());
		for (int split = 0; split <= stream.length; split++) {
			this.decoded.clear();
			FrameDecoder decoder = this.codec.newDecoder();
			decoder.decode(ByteBuffer.wrap(stream, 0, split), this::collect);
			decoder.decode(ByteBuffer.wrap(stream, split, stream.length - split), this::collect);
			assertThat(this.decoded).as("split at %d", split).isEqualTo(this.frames);
		}
	}

	@Test
	void framesFedOneByteAtATimeAreDecodedWhenTheirLastByteArrives() throws MalformedFrameException {
		byte[] stream = toArray(stream());
		int firstFrameEnd = this.codec.encode(this.frames.get(0)).remaining();
		FrameDecoder decoder = this.codec.newDecoder();
		for (int i = 0; i < stream.length; i++) {
			decoder.decode(ByteBuffer.wrap(stream, i, 1), this::collect);
			if (i == firstFrameEnd - 2) {
				assertThat(this.decoded).isEmpty();
			}
			if (i == firstFrameEnd - 1) {
				assertThat(this.decoded).containsExactly(this.frames.get(0));
			}
		}
		assertThat(this.decoded).isEqualTo(this.frames);
	}

	@Test
	void emptyInputDecodesNothing() throws MalformedFrameException {
		this.codec.newDecoder().decode(ByteBuffer.allocate(0), this::collect);
		assertThat(this.decoded).isEmpty();
	}

	@Test
	void lengthZeroIsRejected() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.newDecoder().decode(header(0), this::collect))
			.withMessage("Frame length 0 is outside 1.." + LIMIT);
	}

	@Test
	void negativeLengthIsRejected() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.newDecoder().decode(header(-1), this::collect))
			.withMessage("Frame length 4294967295 is outside 1.." + LIMIT);
	}

	@Test
	void lengthOverTheLimitIsRejectedOnItsHeaderAlone() {
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.newDecoder().decode(header(LIMIT + 1), this::collect))
			.withMessage("Frame length " + (LIMIT + 1) + " is outside 1.." + LIMIT);
	}

	@Test
	void hugeLengthIsRejectedWithoutAllocatingIt() {
		FrameDecoder decoder = new FrameDecoder(Integer.MAX_VALUE - 16);
		decoder.setLimit(LIMIT);
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> decoder.decode(header(Integer.MAX_VALUE), this::collect))
			.withMessage("Frame length " + Integer.MAX_VALUE + " is outside 1.." + LIMIT);
	}

	@Test
	void lengthOfExactlyTheLimitIsAccepted() throws MalformedFrameException {
		ByteBuffer input = ByteBuffer.allocate(4 + LIMIT).putInt(LIMIT).put(FrameType.HELLO.code()).flip();
		FrameDecoder decoder = this.codec.newDecoder();
		List<ByteBuffer> contents = new ArrayList<>();
		decoder.decode(input, contents::add);
		assertThat(contents).isEmpty();
		decoder.decode(ByteBuffer.allocate(LIMIT - 1), contents::add);
		assertThat(contents).singleElement().satisfies((content) -> assertThat(content.remaining()).isEqualTo(LIMIT));
	}

	@Test
	void lowerLimitAppliesToTheFramesThatFollow() throws MalformedFrameException {
		FrameDecoder decoder = this.codec.newDecoder();
		decoder.decode(this.codec.encode(this.frames.get(0)), this::collect);
		decoder.setLimit(64);
		ByteBuffer large = this.codec.encode(new Frames.Hello(1, 1, "x".repeat(100)));
		int length = large.remaining() - 4;
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> decoder.decode(large, this::collect))
			.withMessage("Frame length " + length + " is outside 1..64");
		assertThat(this.decoded).containsExactly(this.frames.get(0));
	}

	@Test
	void raisedLimitAppliesToTheFramesThatFollow() throws MalformedFrameException {
		FrameDecoder decoder = new FrameDecoder(64);
		decoder.setLimit(LIMIT);
		Frames.Hello large = new Frames.Hello(1, 1, "x".repeat(100));
		decoder.decode(this.codec.encode(large), this::collect);
		assertThat(this.decoded).containsExactly(large);
	}

	@Test
	void consumerFailurePropagates() {
		MalformedFrameException failure = new MalformedFrameException("not from you");
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> this.codec.newDecoder().decode(stream(), (content) -> {
				throw failure;
			}))
			.isSameAs(failure);
	}

	private void collect(ByteBuffer content) throws MalformedFrameException {
		this.decoded.add(this.codec.decode(content));
	}

	private ByteBuffer stream() {
		ByteBuffer stream = ByteBuffer.allocate(LIMIT);
		this.frames.forEach((frame) -> stream.put(this.codec.encode(frame)));
		return stream.flip();
	}

	private static byte[] toArray(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	private static ByteBuffer header(int length) {
		return ByteBuffer.allocate(4).putInt(length).flip();
	}

}
