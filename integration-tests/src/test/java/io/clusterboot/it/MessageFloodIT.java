package io.clusterboot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Four workers send messages to the master as fast as it lets them, to a listener that
 * takes 5 ms over each: the master's live heap stays flat, the senders are refused and it
 * shows at {@code /actuator/cluster}, a worker killed during the flood is replaced about
 * as fast as one killed without it, health stays UP, and every message a worker handed
 * over reaches the listener. The flood lasts {@code cluster.it.flood-seconds} seconds, 15
 * unless told (run it at 60 for the figures of a long flood).
 */
class MessageFloodIT extends AbstractClusterIT {

	private static final int FLOOD_SECONDS = Integer.getInteger("cluster.it.flood-seconds", 15);

	private static final int WORKERS = 4;

	private static final int PADDING = 1024;

	private static final Duration LISTENER_DELAY = Duration.ofMillis(5);

	private static final int MAX_PENDING_MESSAGES = 1000;

	/**
	 * Live heap the flood may add to the master. What the credit lets wait there is
	 * 4 workers x 1,000 messages (cluster.ipc.max-pending-messages) of about 1.5 KB, some
	 * 6 MB; without it the master would queue up to 100,000 events, some 150 MB.
	 */
	private static final long MAX_HEAP_GROWTH = 32L * 1024 * 1024;

	/**
	 * Longest a lifecycle event may wait behind messages for the master's listeners, who
	 * get them on one thread in order: twice what the credit lets wait (4 x 1,000
	 * messages of 5 ms, 20 s; a sleep of 5 ms takes 6 on a busy machine), plus 10 s.
	 * Without the credit it is minutes.
	 */
	private static final Duration MAX_EVENT_DELAY = LISTENER_DELAY
		.multipliedBy(2L * WORKERS * MAX_PENDING_MESSAGES)
		.plusSeconds(10);

	private static final Pattern RECEIVED = Pattern.compile("FLOOD-RECEIVED pid=(\\d+) count=(\\d+) last=(\\d+)");

	@Test
	void aFloodOfMessagesToASlowListenerStaysBoundedAndLosesNothing() throws Exception {
		this.cluster = ClusterProcess
			.start("--cluster.workers=" + WORKERS, "--app.master-listener-delay=" + LISTENER_DELAY.toMillis() + "ms",
					"--cluster.ipc.max-pending-messages=" + MAX_PENDING_MESSAGES, "--cluster.health.min-workers=1")
			.awaitReady();
		Replacement quiet = killAndAwaitReplacement(WORKERS);
		Memory before = masterMemory();
		System.out.println("Without a flood: " + quiet + "; master " + before);

		long floodStarted = System.nanoTime();
		for (int id = 1; id <= WORKERS; id++) {
			this.cluster.postTo(id, "/flood?seconds=" + FLOOD_SECONDS + "&padding=" + PADDING);
		}
		RequestLoop health = RequestLoop.start(this.cluster, "/actuator/health", MessageFloodIT::up,
				Duration.ofMillis(200));
		sleepUntil(floodStarted + TimeUnit.SECONDS.toNanos(FLOOD_SECONDS) / 2);
		Memory middle = masterMemory();
		assertHeapGrowth(before, middle, "the middle of the flood");
		// A connection the kernel queued on the killed worker is reset: that is no news
		List<RequestLoop> healthChecks = new ArrayList<>(List.of(health.stop()));
		Replacement flooded = killAndAwaitReplacement(1);
		System.out.println("During the flood: " + flooded);
		assertThat(flooded.listening()).as("replacement during the flood; without it: %s", quiet.listening())
			.isLessThanOrEqualTo(quiet.listening().multipliedBy(2).plusSeconds(10));
		healthChecks.add(health = RequestLoop.start(this.cluster, "/actuator/health", MessageFloodIT::up,
				Duration.ofMillis(200)));
		Map<Integer, JsonNode> senders = awaitFloodsEnded();
		Memory end = masterMemory();
		assertHeapGrowth(before, end, "the end of the flood");
		Map<Long, long[]> received = awaitReceived(senders);
		Memory drained = masterMemory();
		health.stop();

		long sent = senders.values().stream().mapToLong((counts) -> counts.get("sent").asLong()).sum();
		long refused = senders.values().stream().mapToLong((counts) -> counts.get("refused").asLong()).sum();
		long delivered = received.values().stream().mapToLong((counts) -> counts[0]).sum();
		System.out.printf("FLOOD-FIGURES %d s, %d workers, listener delay %d ms%n"
				+ "  master live heap (KB): before %d, middle %d, end %d, drained %d%n"
				+ "  master RSS (KB): before %d, middle %d, end %d, drained %d%n"
				+ "  replacement after kill -9: quiet %d ms (exited event after %d ms),"
				+ " flood %d ms (exited event after %d ms)%n"
				+ "  surviving senders: sent %d, refused %d; delivered to the listener from every sender %d: %s%n",
				FLOOD_SECONDS, WORKERS, LISTENER_DELAY.toMillis(), before.liveHeap() / 1024,
				middle.liveHeap() / 1024, end.liveHeap() / 1024, drained.liveHeap() / 1024, before.rss() / 1024,
				middle.rss() / 1024, end.rss() / 1024, drained.rss() / 1024, quiet.listening().toMillis(),
				quiet.exitedEvent().toMillis(), flooded.listening().toMillis(), flooded.exitedEvent().toMillis(), sent,
				refused, delivered, countsText(received));

		for (RequestLoop checks : healthChecks) {
			assertThat(checks.failures()).as("health checks that were not UP").isEmpty();
			assertThat(checks.answered()).isPositive();
		}
		senders.values().forEach((counts) -> {
			long pid = counts.get("pid").asLong();
			assertThat(received.get(pid)).as("received from %s", counts)
				.containsExactly(counts.get("sent").asLong(), counts.get("sent").asLong());
			assertThat(counts.get("refused").asLong()).as("refused %s", counts).isPositive();
		});
		long[] fromKilled = received.get(flooded.killed());
		assertThat(fromKilled).as("received from the worker killed during the flood").isNotNull();
		assertThat(fromKilled[0]).as("no gap in what came from the killed worker").isEqualTo(fromKilled[1]);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			JsonNode view = this.cluster.http("GET", "/actuator/cluster", null).json();
			assertThat(view.get("totals").get("messages").asLong()).as("messages the master took in")
				.isEqualTo(delivered);
			assertThat(view.get("totals").get("messagesDropped").asLong()).isZero();
			for (JsonNode counts : senders.values()) {
				assertThat(view.get("workers").valueStream()
					.filter((worker) -> worker.get("pid").asLong() == counts.get("pid").asLong())
					.map((worker) -> worker.get("messagesRefused").asLong()))
					.as("messagesRefused of %s", counts)
					.containsExactly(counts.get("refused").asLong());
			}
		});
	}

	/**
	 * Kill the worker listening in a slot with SIGKILL and time its replacement as a user
	 * of {@code /actuator/cluster} sees it, and the exited event as the master's listeners
	 * get it.
	 */
	private Replacement killAndAwaitReplacement(int slot) throws Exception {
		long pid = listening(slot, -1);
		ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
		long killedAt = System.nanoTime();
		assertThat(worker.destroyForcibly()).isTrue();
		worker.onExit().get(10, TimeUnit.SECONDS);
		long[] at = new long[2];
		awaitWhileTheMasterRuns(ClusterProcess.START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (at[1] == 0 && exitedEventOf(pid)) {
				at[1] = System.nanoTime();
			}
			return listening(slot, pid) > 0;
		});
		at[0] = System.nanoTime();
		Duration sinceKill = Duration.ofNanos(System.nanoTime() - killedAt);
		if (at[1] == 0) {
			Duration left = MAX_EVENT_DELAY.minus(sinceKill);
			awaitWhileTheMasterRuns(left.isNegative() ? Duration.ofMillis(100) : left.plusMillis(100))
				.pollInterval(Duration.ofMillis(50))
				.alias("the exited event of pid " + pid + " within " + MAX_EVENT_DELAY + " of the kill")
				.until(() -> exitedEventOf(pid));
			at[1] = System.nanoTime();
		}
		return new Replacement(pid, Duration.ofNanos(at[0] - killedAt), Duration.ofNanos(at[1] - killedAt));
	}

	private boolean exitedEventOf(long pid) {
		return this.cluster.events("exited").stream().anyMatch((exited) -> exited.pid() == pid);
	}

	private static void assertHeapGrowth(Memory before, Memory after, String when) {
		assertThat(after.liveHeap() - before.liveHeap()).as("the master's live heap growth by %s: from %s to %s",
				when, before, after)
			.isLessThan(MAX_HEAP_GROWTH);
	}

	/**
	 * The pid of the worker listening in a slot, other than {@code not}, or -1.
	 */
	private long listening(int slot, long not) {
		JsonNode view = this.cluster.http("GET", "/actuator/cluster", null).json();
		return view.get("workers")
			.valueStream()
			.filter((worker) -> worker.get("id").asInt() == slot && worker.get("pid").asLong() != not
					&& worker.get("state").asString().equals("LISTENING"))
			.mapToLong((worker) -> worker.get("pid").asLong())
			.findFirst()
			.orElse(-1);
	}

	/**
	 * Wait for every sender that is still alive to end its flood.
	 * @return their final counts, by slot
	 */
	private Map<Integer, JsonNode> awaitFloodsEnded() {
		Map<Integer, JsonNode> senders = new TreeMap<>();
		awaitWhileTheMasterRuns(Duration.ofSeconds(FLOOD_SECONDS + 60)).pollInterval(Duration.ofSeconds(1))
			.until(() -> {
				for (int id = 2; id <= WORKERS; id++) {
					senders.put(id, this.cluster.requestTo(id, "GET", "/flood"));
				}
				return senders.values().stream().noneMatch((counts) -> counts.get("running").asBoolean());
			});
		return senders;
	}

	/**
	 * Wait until the listener has had every message the surviving senders handed over.
	 * @return count and highest sequence number received, by sending pid
	 */
	private Map<Long, long[]> awaitReceived(Map<Integer, JsonNode> senders) {
		Map<Long, long[]> received = new TreeMap<>();
		awaitWhileTheMasterRuns(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
			received.clear();
			for (String line : this.cluster.output()) {
				Matcher matcher = RECEIVED.matcher(line);
				if (matcher.find()) {
					received.put(Long.parseLong(matcher.group(1)),
							new long[] { Long.parseLong(matcher.group(2)), Long.parseLong(matcher.group(3)) });
				}
			}
			return senders.values().stream().allMatch((counts) -> {
				long[] counted = received.get(counts.get("pid").asLong());
				return counted != null && counted[0] >= counts.get("sent").asLong();
			});
		});
		return received;
	}

	private static void up(JsonNode health) {
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.get("components").get("cluster").get("status").asString()).isEqualTo("UP");
	}

	/**
	 * The master's memory: its live heap, measured by a histogram of the heap, which
	 * collects garbage first, so that the figure does not depend on when the last
	 * collection ran; and its resident set, for the record.
	 */
	private Memory masterMemory() {
		long pid = this.cluster.masterPid();
		String histogram = run(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(pid), "GC.class_histogram");
		Matcher total = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
		assertThat(total.find()).as("jcmd GC.class_histogram output:%n%s", histogram).isTrue();
		try {
			Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB")
				.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
			assertThat(rss.find()).isTrue();
			return new Memory(Long.parseLong(total.group(1)), Long.parseLong(rss.group(1)) * 1024);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private ConditionFactory awaitWhileTheMasterRuns(Duration atMost) {
		return await().atMost(atMost).failFast("the master stopped", () -> !this.cluster.master().isAlive());
	}

	private static String countsText(Map<Long, long[]> received) {
		Map<Long, Long> counts = new LinkedHashMap<>();
		received.forEach((pid, counted) -> counts.put(pid, counted[0]));
		return counts.toString();
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long remaining = nanoTime - System.nanoTime();
		if (remaining > 0) {
			TimeUnit.NANOSECONDS.sleep(remaining);
		}
	}

	/**
	 * The master's memory at one moment, in bytes.
	 */
	private record Memory(long liveHeap, long rss) {
	}

	/**
	 * A worker killed with SIGKILL, and how long after the kill its replacement was
	 * listening and the master's listeners had its exited event.
	 */
	private record Replacement(long killed, Duration listening, Duration exitedEvent) {
	}

}
