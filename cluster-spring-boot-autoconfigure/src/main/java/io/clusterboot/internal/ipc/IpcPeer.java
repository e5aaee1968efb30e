package io.clusterboot.internal.ipc;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * The master's end of one worker's connection, as its {@link IpcServer.Handler} sees it.
 */
public interface IpcPeer {

	/**
	 * Queue a frame for sending; never blocks.
	 * @param frame the frame
	 * @return {@code false} if the connection is closed, its peer has stopped reading,
	 * or the frame is larger than {@code cluster.ipc.max-frame-size}
	 */
	boolean send(Object frame);

	/**
	 * Queue a frame encoded once for several connections; never blocks.
	 * @param bytes the encoded frame, length prefix included, positioned at its start
	 * @return {@code false} if the connection is closed or its peer has stopped reading
	 */
	boolean sendEncoded(ByteBuffer bytes);

	/**
	 * Close the connection; the handler hears of it if the peer was authenticated.
	 */
	void close();

	/**
	 * What {@link IpcServer.Handler#authenticate} returned for this connection.
	 * @return the attachment, or {@code null} before authentication
	 */
	@Nullable Object getAttachment();

}
