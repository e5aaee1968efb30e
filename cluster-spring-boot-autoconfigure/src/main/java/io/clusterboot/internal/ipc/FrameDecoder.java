package io.clusterboot.internal.ipc;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * Splits a stream of bytes into frames, checking each length prefix against the limit
 * before it allocates anything.
 *
 * @since 0.1.0
 */
final class FrameDecoder {

	private final ByteBuffer header = ByteBuffer.allocate(4);

	private int limit;

	private @Nullable ByteBuffer content;

	FrameDecoder(int limit) {
		this.limit = limit;
	}

	/**
	 * Lower or raise the limit for the frames that follow, for example to hold an
	 * unauthenticated peer to a small first frame.
	 * @param limit the largest frame accepted, in bytes
	 */
	public void setLimit(int limit) {
		this.limit = limit;
	}

	/**
	 * Consume all bytes of {@code input}, handing every completed frame to
	 * {@code frames}.
	 * @param input the bytes just read
	 * @param frames receives each frame's content (type byte and body)
	 * @throws MalformedFrameException if a length prefix is out of range, or the
	 * consumer throws it
	 */
	public void decode(ByteBuffer input, FrameConsumer frames) throws MalformedFrameException {
		while (input.hasRemaining()) {
			ByteBuffer content = this.content;
			if (content == null) {
				transfer(input, this.header);
				if (this.header.hasRemaining()) {
					return;
				}
				int length = this.header.flip().getInt();
				this.header.clear();
				if (length < 1 || length > this.limit) {
					throw new MalformedFrameException(
							"Frame length " + Integer.toUnsignedString(length) + " is outside 1.." + this.limit);
				}
				this.content = ByteBuffer.allocate(length);
			}
			else {
				transfer(input, content);
				if (!content.hasRemaining()) {
					this.content = null;
					frames.accept(content.flip());
				}
			}
		}
	}

	private static void transfer(ByteBuffer from, ByteBuffer to) {
		int count = Math.min(from.remaining(), to.remaining());
		to.put(to.position(), from, from.position(), count);
		to.position(to.position() + count);
		from.position(from.position() + count);
	}

	/**
	 * Receives decoded frames.
	 */
	@FunctionalInterface
	public interface FrameConsumer {

		/**
		 * Accept one frame.
		 * @param content the frame's type byte and body
		 * @throws MalformedFrameException if the frame is not acceptable
		 */
		void accept(ByteBuffer content) throws MalformedFrameException;

	}

}
