package io.clusterboot.it.app;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.event.EventListener;

import io.clusterboot.event.WorkerMessageEvent;
import io.clusterboot.master.ClusterMaster;

/**
 * Runs in the master: a listener that takes {@code app.master-listener-delay} over every
 * message (none by default), standing in for a slow one, and counts the messages of a
 * {@link MessageFloodController flood} by sending process. Once a flood message has come
 * it prints, every second the counts change, one line per sender the tests parse:
 * {@code FLOOD-RECEIVED pid=<pid> count=<messages> last=<highest sequence number>}.
 */
@ClusterMaster
class FloodReceiver {

	private final Duration delay;

	private final Map<Long, Sender> senders = new ConcurrentHashMap<>();

	private ScheduledExecutorService reporter;

	FloodReceiver(@Value("${app.master-listener-delay:0ms}") String delay) {
		this.delay = DurationStyle.detectAndParse(delay);
	}

	@EventListener
	void onMessage(WorkerMessageEvent event) throws InterruptedException {
		if (!this.delay.isZero()) {
			Thread.sleep(this.delay.toMillis());
		}
		if (event.getPayload(Map.class).get("flood") instanceof Number sequence) {
			this.senders.computeIfAbsent(event.getPid(), (pid) -> new Sender()).received(sequence.longValue());
			startReporting();
		}
	}

	private synchronized void startReporting() {
		if (this.reporter == null) {
			this.reporter = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "flood-report");
				thread.setDaemon(true);
				return thread;
			});
			this.reporter.scheduleWithFixedDelay(this::report, 1, 1, TimeUnit.SECONDS);
		}
	}

	private void report() {
		this.senders.forEach((pid, sender) -> {
			String counts = sender.changedSinceReported();
			if (counts != null) {
				System.out.println("FLOOD-RECEIVED pid=" + pid + " " + counts);
			}
		});
	}

	/**
	 * What one sending process got through. Written by the event thread, read by the
	 * reporter.
	 */
	private static final class Sender {

		private long count;

		private long last;

		private long reportedCount = -1;

		synchronized void received(long sequence) {
			this.count++;
			this.last = Math.max(this.last, sequence);
		}

		synchronized String changedSinceReported() {
			if (this.count == this.reportedCount) {
				return null;
			}
			this.reportedCount = this.count;
			return "count=" + this.count + " last=" + this.last;
		}

	}

}
