package io.clusterboot.supervisor;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

import io.clusterboot.internal.ipc.FrameCodec;
import io.clusterboot.internal.ipc.IpcPeer;
import io.clusterboot.internal.ipc.MalformedFrameException;

/**
 * The master's end of a fake worker's connection: records every frame the master sends
 * (frames encoded once for several workers are decoded back), and can refuse them like a
 * worker that has stopped reading.
 */
final class FakePeer implements IpcPeer {

	private final FrameCodec codec;

	private final List<Object> sent = new CopyOnWriteArrayList<>();

	private final List<ByteBuffer> sentEncoded = new CopyOnWriteArrayList<>();

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
		this.sent.add(frame);
		return true;
	}

	@Override
	public boolean sendEncoded(ByteBuffer bytes) {
		if (this.closed || this.refusing) {
			return false;
		}
		this.sentEncoded.add(bytes);
		this.sent.add(decode(bytes));
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
		return this.sent.stream().filter(type::isInstance).map(type::cast).toList();
	}

	/**
	 * The frames the master sent encoded once for several workers.
	 * @return the buffers, as handed over
	 */
	List<ByteBuffer> sentEncoded() {
		return List.copyOf(this.sentEncoded);
	}

	private Object decode(ByteBuffer bytes) {
		ByteBuffer content = bytes.duplicate();
		content.position(content.position() + 4);
		try {
			return this.codec.decode(content.slice());
		}
		catch (MalformedFrameException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
