package io.clusterboot.supervisor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.MalformedFrameException;

/**
 * The master's end of a fake worker's connection: records every frame the master sends
 * (frames encoded once for several workers are decoded back when a test looks at them),
 * and can refuse them like a worker that has stopped reading.
 */
final class FakePeer implements IpcPeer {

	private final FrameCodec codec;

	private final List<Sent> sent = new CopyOnWriteArrayList<>();

	private volatile @Nullable Object attachment;

	private volatile boolean refusing;

	private volatile boolean closed;

	FakePeer(FrameCodec codec) {
		this.codec = codec;
	}

	@Override
	public boolean send(Object frame) {
		if (this.closed || this.refusing) {
			return false;
		}
		this.sent.add(new Sent(frame, null));
		return true;
	}

	@Override
	public boolean sendEncoded(ByteBuffer bytes) {
		if (this.closed || this.refusing) {
			return false;
		}
		this.sent.add(new Sent(null, bytes));
		return true;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public @Nullable Object getAttachment() {
		return this.attachment;
	}

	void attach(@Nullable Object attachment) {
		this.attachment = attachment;
	}

	/**
	 * Refuse every frame from now on, as the connection of a worker that stopped reading.
	 */
	void refuse() {
		this.refusing = true;
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * The frames of one type the master has sent so far.
	 * @param <T> the frame type
	 * @param type the frame type
	 * @return the frames, oldest first
	 */
	<T> List<T> sent(Class<T> type) {
		return this.sent.stream().map(Sent::frame).filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * The frames the master sent encoded once for several workers.
	 * @return the buffers, as handed over
	 */
	List<ByteBuffer> sentEncoded() {
		return this.sent.stream().map(Sent::encoded).filter(Objects::nonNull).toList();
	}

	/**
	 * A frame as the master handed it over: decoded at most once, and only if a test
	 * looks at it, since most are state frames no test reads.
	 */
	private final class Sent {

		private @Nullable Object frame;

		private final @Nullable ByteBuffer encoded;

		Sent(@Nullable Object frame, @Nullable ByteBuffer encoded) {
			this.frame = frame;
			this.encoded = encoded;
		}

		synchronized Object frame() {
			if (this.frame == null) {
				this.frame = decode(Objects.requireNonNull(this.encoded));
			}
			return this.frame;
		}

		@Nullable ByteBuffer encoded() {
			return this.encoded;
		}

		private Object decode(ByteBuffer bytes) {
			ByteBuffer content = bytes.duplicate();
			content.position(content.position() + 4);
			try {
				return FakePeer.this.codec.decode(content.slice());
			}
			catch (MalformedFrameException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
