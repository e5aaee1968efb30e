package io.clusterboot.internal.ipc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link IpcClient.Listener} for tests: records frames and the end of the connection.
 */
class RecordingListener implements IpcClient.Listener {

	final List<Object> frames = new CopyOnWriteArrayList<>();

	final List<String> closes = new CopyOnWriteArrayList<>();

	@Override
	public void onFrame(Object frame) {
		this.frames.add(frame);
	}

	@Override
	public void onClose(String reason) {
		this.closes.add(reason);
	}

}
