package io.clusterboot.internal.ipc;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes {@link Frames} to length-prefixed frames and back: a 4-byte big-endian length,
 * then a type byte, then the record as UTF-8 JSON. The length counts the type byte and
 * the body.
 *
 * @since 0.1.0
 */
public final class FrameCodec {

	private final CompletableFuture<JsonMapper> mapper;

	private final int maxFrameSize;

	/**
	 * Create a codec.
	 * @param maxFrameSize the largest frame, in bytes, either side may send
	 */
	public FrameCodec(int maxFrameSize) {
		this(CompletableFuture.completedFuture(newMapper()), maxFrameSize);
	}

	/**
	 * Create a codec whose mapper is still being built, by {@link #newMapper()} on another
	 * thread: building one takes a fifth of a second, which the master spends forking its
	 * workers instead. The codec waits for it when first used.
	 * @param mapper completes with the mapper
	 * @param maxFrameSize the largest frame, in bytes, either side may send
	 */
	public FrameCodec(CompletableFuture<JsonMapper> mapper, int maxFrameSize) {
		if (maxFrameSize < 64) {
			throw new IllegalArgumentException("Frame size limit must be at least 64 bytes, not " + maxFrameSize);
		}
		this.mapper = mapper;
		this.maxFrameSize = maxFrameSize;
	}

	FrameCodec(JsonMapper mapper, int maxFrameSize) {
		this(CompletableFuture.completedFuture(mapper), maxFrameSize);
	}

	/**
	 * Build the mapper frame bodies are written with.
	 * @return a new mapper
	 */
	public static JsonMapper newMapper() {
		return JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
	}

	/**
	 * The mapper used for frame bodies, also suitable for converting message payloads.
	 * @return the JSON mapper
	 */
	public JsonMapper mapper() {
		try {
			return this.mapper.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * The largest frame this codec accepts.
	 * @return the limit in bytes
	 */
	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	/**
	 * Encode a frame, length prefix included.
	 * @param frame one of the {@link Frames} records
	 * @return a buffer ready to be written
	 * @throws FrameTooLargeException if the encoded frame exceeds the limit
	 */
	public ByteBuffer encode(Object frame) {
		FrameType type = FrameType.forFrame(frame);
		byte[] body = mapper().writeValueAsBytes(frame);
		int length = body.length + 1;
		if (length > this.maxFrameSize) {
			throw new FrameTooLargeException(length, this.maxFrameSize);
		}
		ByteBuffer buffer = ByteBuffer.allocate(4 + length);
		buffer.putInt(length).put(type.code()).put(body).flip();
		return buffer;
	}

	/**
	 * Decode the content of one frame (without its length prefix).
	 * @param content the type byte followed by the body
	 * @return the frame record
	 * @throws MalformedFrameException if the type is unknown or the body does not parse
	 */
	public Object decode(ByteBuffer content) throws MalformedFrameException {
		byte code = content.get();
		FrameType type = FrameType.forCode(code);
		if (type == null) {
			throw new MalformedFrameException("Unknown frame type " + code);
		}
		Object frame;
		try {
			frame = mapper().readValue(content.array(), content.arrayOffset() + content.position(),
					content.remaining(), type.frameClass());
		}
		catch (JacksonException ex) {
			throw new MalformedFrameException("Malformed " + type + " frame: " + ex.getOriginalMessage(), ex);
		}
		if (frame == null) {
			throw new MalformedFrameException("Malformed " + type + " frame: null body");
		}
		return frame;
	}

	/**
	 * Create a decoder for one connection's incoming bytes.
	 * @return a new decoder
	 */
	FrameDecoder newDecoder() {
		return new FrameDecoder(this.maxFrameSize);
	}

	/**
	 * Thrown when a frame to be sent is larger than the limit.
	 */
	public static class FrameTooLargeException extends IllegalArgumentException {

		FrameTooLargeException(int length, int limit) {
			super("Frame of " + length + " bytes exceeds the limit of " + limit
					+ " bytes (cluster.ipc.max-frame-size)");
		}

	}

}
