package io.clusterboot.it.app;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.message.ClusterMessenger;

/**
 * Floods the master with messages from a worker when a test asks: {@code POST /flood}
 * starts a sender that calls {@link ClusterMessenger#sendToMaster} as fast as the master
 * takes them for a number of seconds, and {@code GET /flood} says how many messages it
 * handed over and how many were refused. Each message carries its sequence number, from
 * 1, and some padding. Nothing is sent unless a test asks.
 */
@RestController
class MessageFloodController {

	/**
	 * Pause after a refused message: a sender that respects the refusal, and one that
	 * does not spin two shared cores away from the processes under test.
	 */
	private static final long PAUSE_AFTER_REFUSAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final int workerId;

	private final long pid = ProcessHandle.current().pid();

	private final ObjectProvider<ClusterMessenger> messenger;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	private volatile boolean running;

	MessageFloodController(@Value("${cluster.worker.id:0}") int workerId, ObjectProvider<ClusterMessenger> messenger) {
		this.workerId = workerId;
		this.messenger = messenger;
	}

	@PostMapping("/flood")
	synchronized Map<String, Object> start(@RequestParam int seconds,
			@RequestParam(defaultValue = "1024") int padding) {
		if (!this.running) {
			this.running = true;
			Thread sender = new Thread(() -> flood(TimeUnit.SECONDS.toNanos(seconds), "x".repeat(padding)),
					"message-flood");
			sender.setDaemon(true);
			sender.start();
		}
		return counts();
	}

	@GetMapping("/flood")
	Map<String, Object> counts() {
		Map<String, Object> counts = new LinkedHashMap<>();
		counts.put("worker", this.workerId);
		counts.put("pid", this.pid);
		counts.put("running", this.running);
		counts.put("sent", this.sent.get());
		counts.put("refused", this.refused.get());
		return counts;
	}

	private void flood(long durationNanos, String padding) {
		ClusterMessenger messenger = this.messenger.getObject();
		long end = System.nanoTime() + durationNanos;
		try {
			while (System.nanoTime() - end < 0) {
				if (messenger.sendToMaster(Map.of("flood", this.sent.get() + 1, "padding", padding))) {
					this.sent.incrementAndGet();
				}
				else {
					this.refused.incrementAndGet();
					LockSupport.parkNanos(PAUSE_AFTER_REFUSAL_NANOS);
				}
			}
		}
		finally {
			this.running = false;
		}
	}

}
