package io.clusterboot.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.clusterboot.event.ClusterMessageEvent;
import io.clusterboot.message.ClusterMessenger;

/**
 * Runs in a worker: {@code GET /bench/messages} times round trips worker to master to
 * worker, one at a time, then floods the master with messages and measures how many per
 * second arrive.
 */
@RestController
class MessageBenchmarkController {

	private static final long REPLY_TIMEOUT_SECONDS = 10;

	private static final long FLOOD_TIMEOUT_SECONDS = 120;

	private final ClusterMessenger messenger;

	private final Environment environment;

	private final BlockingQueue<Probe> replies = new LinkedBlockingQueue<>();

	MessageBenchmarkController(ClusterMessenger messenger, Environment environment) {
		this.messenger = messenger;
		this.environment = environment;
	}

	@EventListener
	void onMessage(ClusterMessageEvent event) {
		Probe probe = event.getPayload(Probe.class);
		if (probe.kind().equals("echo") || probe.kind().equals("flood-ack")) {
			this.replies.add(probe);
		}
	}

	@GetMapping("/bench/messages")
	synchronized Map<String, Object> run(@RequestParam(defaultValue = "500") int warmup,
			@RequestParam(defaultValue = "2000") int roundTrips, @RequestParam(defaultValue = "50000") int flood,
			@RequestParam(defaultValue = "64") int payloadBytes) throws InterruptedException {
		String data = "x".repeat(payloadBytes);
		this.replies.clear();
		for (int i = 0; i < warmup; i++) {
			roundTrip(-1 - i, data);
		}
		long[] micros = new long[roundTrips];
		for (int i = 0; i < roundTrips; i++) {
			long start = System.nanoTime();
			roundTrip(i, data);
			micros[i] = (System.nanoTime() - start) / 1_000;
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("worker", workerId());
		result.put("payloadBytes", payloadBytes);
		result.put("roundTrips", roundTrips);
		result.put("roundTripMicros", percentiles(micros));
		result.put("flood", flood(flood, data));
		return result;
	}

	private void roundTrip(long seq, String data) throws InterruptedException {
		send(new Probe("ping", seq, data));
		Probe echo = this.replies.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (echo == null || !echo.kind().equals("echo") || echo.seq() != seq) {
			throw new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT,
					"Expected the echo of ping " + seq + " within " + REPLY_TIMEOUT_SECONDS + "s, got " + echo);
		}
	}

	/**
	 * Send messages as fast as the worker's channel to the master takes them, waiting a
	 * little whenever its queue is full, then wait for the master's count.
	 */
	private Map<String, Object> flood(int count, String data) throws InterruptedException {
		send(new Probe("flood-start", 0, ""));
		long refused = 0;
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			Probe probe = new Probe("flood", i, data);
			while (!this.messenger.sendToMaster(probe)) {
				refused++;
				LockSupport.parkNanos(50_000);
			}
		}
		long handedOver = System.nanoTime();
		send(new Probe("flood-end", count, ""));
		Probe ack = this.replies.poll(FLOOD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		long end = System.nanoTime();
		if (ack == null || !ack.kind().equals("flood-ack")) {
			throw new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT,
					"The master did not acknowledge the flood within " + FLOOD_TIMEOUT_SECONDS + "s, got " + ack);
		}
		double seconds = (end - start) / 1e9;
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("messages", count);
		result.put("receivedByMaster", ack.seq());
		result.put("refusedWhileQueueFull", refused);
		result.put("handOverSeconds", (handedOver - start) / 1e9);
		result.put("seconds", seconds);
		result.put("perSecond", ack.seq() / seconds);
		return result;
	}

	private void send(Probe probe) {
		if (!this.messenger.sendToMaster(probe)) {
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "Could not send " + probe.kind());
		}
	}

	private static Map<String, Object> percentiles(long[] micros) {
		long[] sorted = micros.clone();
		Arrays.sort(sorted);
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("p50", percentile(sorted, 0.50));
		result.put("p90", percentile(sorted, 0.90));
		result.put("p99", percentile(sorted, 0.99));
		result.put("max", (sorted.length > 0) ? sorted[sorted.length - 1] : 0);
		result.put("mean", Arrays.stream(sorted).average().orElse(0));
		return result;
	}

	private static long percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(fraction * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	/**
	 * This worker's id, read when needed: a hot spare learns it when it is promoted.
	 */
	private int workerId() {
		return this.environment.getProperty("cluster.worker.id", Integer.class, 0);
	}

}
