package io.clusterboot.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Long-lived connections for the drain tests: one to tell, recording whether the
 * listening socket was already closed when the drain told it.
 */
public final class RecordingLongLivedConnections implements LongLivedConnections {

	private final BooleanSupplier listenerClosed;

	private final AtomicInteger calls = new AtomicInteger();

	private volatile boolean toldAfterListenerClosed;

	public RecordingLongLivedConnections(BooleanSupplier listenerClosed) {
		this.listenerClosed = listenerClosed;
	}

	@Override
	public int goAway() {
		if (this.calls.getAndIncrement() == 0) {
			this.toldAfterListenerClosed = this.listenerClosed.getAsBoolean();
			return 1;
		}
		return 0;
	}

	@Override
	public String getDescription() {
		return "test stream(s) ended";
	}

	public int getCalls() {
		return this.calls.get();
	}

	public boolean wasToldAfterListenerClosed() {
		return this.toldAfterListenerClosed;
	}

}
