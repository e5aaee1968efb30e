package io.clusterboot.load;

/**
 * The loop of one connection of a {@link LoadRun}: it sends requests one after another
 * until the run ends and records each outcome.
 */
final class ConnectionWorker implements Runnable {

	private final LoadRun run;

	private final HttpConnection connection;

	private final boolean keepAlive;

	private final long pauseNanos;

	private final Tally tally = new Tally();

	ConnectionWorker(LoadRun run, HttpConnection connection, boolean keepAlive, long pauseNanos) {
		this.run = run;
		this.connection = connection;
		this.keepAlive = keepAlive;
		this.pauseNanos = pauseNanos;
	}

	@Override
	public void run() {
		try {
			boolean first = true;
			while ((first || this.run.pause(this.pauseNanos)) && this.run.startRequest()) {
				first = false;
				execute();
			}
		}
		finally {
			this.connection.close();
			this.run.workerFinished();
		}
	}

	private void execute() {
		boolean reused = this.connection.isOpen();
		if (reused && !this.connection.isUsable()) {
			// The server closed it after the last response: reconnecting is not a failure
			this.connection.close();
			reused = false;
		}
		long start = System.nanoTime();
		try {
			if (!reused) {
				this.connection.connect();
				this.tally.recordConnectionOpened();
			}
			this.connection.exchange();
			long latency = System.nanoTime() - start;
			this.tally.recordResponse(this.connection.status(), latency, this.connection.pid());
			if (!this.keepAlive || !this.connection.isPersistent()) {
				this.connection.close();
			}
		}
		catch (RequestFailure failure) {
			this.connection.close();
			if (this.run.isAborted()) {
				this.tally.recordAbandoned();
			}
			else {
				this.tally.recordFailure(failure.kind(), reused, failure.getCause());
			}
		}
	}

	void abort() {
		this.connection.abort();
	}

	Tally tally() {
		return this.tally;
	}

}
