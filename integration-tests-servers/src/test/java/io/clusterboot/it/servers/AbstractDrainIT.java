package io.clusterboot.it.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.clusterboot.it.LoadProcess;
import io.clusterboot.it.NetworkNamespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart of a real two-worker cluster on one web server, with HTTP/2 over
 * cleartext enabled, while it serves keep-alive and new-connection load, a WebSocket, an
 * event stream and an HTTP/2 client: no request is lost, the WebSocket is closed with
 * 1001 and reconnects to a new worker, the event stream ends cleanly and reconnects, the
 * HTTP/2 client (whose connection gets {@code GOAWAY}) goes on to a new worker without a
 * failed request, and the drains do not wait out their 60 s timeout. With
 * {@code SO_REUSEPORT}, under {@code net.ipv4.tcp_migrate_req=1}; in proxy mode, under
 * {@code tcp_migrate_req=0}, which proxy mode does not need. Both in a network namespace
 * of the test's own where root and iproute2 allow it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractDrainIT {

	private static final Pattern DRAINED = Pattern.compile("(Drained in|Drain timed out after) (\\d+) ms");

	private NetworkNamespace namespace;

	private boolean migration;

	private ServerCluster cluster;

	private final List<LoadProcess> loads = new ArrayList<>();

	private Process client;

	private final List<String> clientOutput = new ArrayList<>();

	private Map<String, String> keepAliveReport;

	private Map<String, String> newConnectionReport;

	private Set<Long> before;

	private List<String> http2BeforeRestart;

	private Duration rollout;

	/**
	 * The system property naming the jar of this server.
	 */
	protected abstract String jarProperty();

	/**
	 * JVM options of the master, which its workers inherit.
	 */
	protected List<String> jvmOptions() {
		return List.of();
	}

	/**
	 * Whether the cluster runs in proxy mode: the master accepts the connections and stops
	 * handing them to a worker before it drains, so nothing may fail whatever
	 * {@code tcp_migrate_req} says.
	 */
	protected boolean proxyMode() {
		return false;
	}

	@BeforeAll
	void rollingRestartUnderLoad() throws Exception {
		try {
			this.namespace = NetworkNamespace.create(proxyMode() ? 0 : 1).orElse(null);
			this.migration = proxyMode() || (this.namespace != null) || "1".equals(hostTcpMigrateReq());
			System.out.println((this.namespace != null) ? "Running in network namespace " + this.namespace
					: "No network namespace: tcp_migrate_req=" + hostTcpMigrateReq() + " on this machine");
			List<String> arguments = new ArrayList<>(
					List.of("--cluster.worker.drain.timeout=60s", "--cluster.shutdown-timeout=90s",
							"--server.http2.enabled=true"));
			if (proxyMode()) {
				arguments.add("--cluster.port-sharing=proxy");
			}
			this.cluster = ServerCluster.start(prefix(), jarProperty(), jvmOptions(), arguments).awaitReady();
			this.before = Set.of(this.cluster.workerPid(1), this.cluster.workerPid(2));
			startClient();
			this.loads.add(LoadProcess.start(prefix(), this.cluster.port(), "keep-alive", 4, Duration.ofMillis(20)));
			this.loads.add(LoadProcess.start(prefix(), this.cluster.port(), "new-connection", 4, Duration.ofMillis(20)));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> clientLines("WS-OPEN").size() >= 1 && clientLines("SSE-OPEN").size() >= 1
						&& clientLines("H2-OPEN").size() >= 1);
			Thread.sleep(3000);
			this.http2BeforeRestart = clientLines("H2-OPEN");
			long start = System.nanoTime();
			this.cluster.signal(this.cluster.masterPid(), "HUP");
			this.cluster.awaitOutput("Rolling restart complete: 2 replaced", Duration.ofMinutes(4));
			this.rollout = Duration.ofNanos(System.nanoTime() - start);
			Thread.sleep(2000);
			this.keepAliveReport = this.loads.get(0).stop();
			this.newConnectionReport = this.loads.get(1).stop();
		}
		catch (Throwable ex) {
			close();
			throw ex;
		}
	}

	@AfterAll
	void close() {
		for (LoadProcess load : this.loads) {
			load.close();
		}
		if (this.client != null) {
			this.client.destroyForcibly();
			try {
				this.client.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
		if (this.namespace != null) {
			this.namespace.close();
		}
	}

	@Test
	void rollingRestartUnderKeepAliveAndNewConnectionLoadLosesNothing() {
		assertThat(Set.of(this.cluster.workerPid(1), this.cluster.workerPid(2))).hasSize(2)
			.doesNotContainAnyElementsOf(this.before);
		for (Map<String, String> report : List.of(this.keepAliveReport, this.newConnectionReport)) {
			assertThat(Long.parseLong(report.get("successes"))).isGreaterThan(200);
			assertThat(Long.parseLong(report.get("non2xx"))).as("non-2xx responses: %s", report).isZero();
			assertThat(Long.parseLong(report.get("abandoned"))).as("abandoned requests: %s", report).isZero();
			if (this.migration) {
				assertThat(Long.parseLong(report.get("failures"))).as("failed requests: %s", report).isZero();
			}
		}
	}

	@Test
	void webSocketIsClosedWithGoingAwayAndReconnectsToANewWorker() {
		assertThat(clientLines("WS-CLOSE")).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).isEqualTo("WS-CLOSE 1001 Server is draining"));
		assertThat(clientLines("WS-ERROR")).isEmpty();
		List<String> opens = clientLines("WS-OPEN");
		String last = opens.get(opens.size() - 1);
		assertThat(this.before).noneMatch((pid) -> last.equals("WS-OPEN pid=" + pid));
		assertThat(this.cluster.outputText()).containsPattern("Draining: 1 WebSocket session\\(s\\) closed with 1001");
	}

	@Test
	void eventStreamEndsCleanlyAndReconnectsToANewWorker() {
		assertThat(clientLines("SSE-END")).isNotEmpty();
		assertThat(clientLines("SSE-ERROR")).isEmpty();
		List<String> opens = clientLines("SSE-OPEN");
		String last = opens.get(opens.size() - 1);
		assertThat(this.before).noneMatch((pid) -> last.equals("SSE-OPEN pid=" + pid));
		assertThat(this.cluster.outputText())
			.containsPattern("Draining: 1 server-sent event stream\\(s\\) completed");
	}

	@Test
	void http2ClientGoesOnToANewWorkerWithoutAFailedRequest() {
		assertThat(this.http2BeforeRestart).isNotEmpty()
			.allSatisfy((line) -> assertThat(line).startsWith("H2-OPEN version=HTTP_2 pid="))
			.allSatisfy((line) -> assertThat(this.before).anyMatch((pid) -> line.endsWith("pid=" + pid)));
		List<String> opens = clientLines("H2-OPEN");
		assertThat(opens).allSatisfy((line) -> assertThat(line).startsWith("H2-OPEN version=HTTP_2 pid="));
		assertThat(clientLines("H2-ERROR")).isEmpty();
		String last = opens.get(opens.size() - 1);
		assertThat(Set.of(this.cluster.workerPid(1), this.cluster.workerPid(2)))
			.anyMatch((pid) -> last.equals("H2-OPEN version=HTTP_2 pid=" + pid));
		System.out.println("HTTP/2 client: " + opens + "; sent again after GOAWAY (JDK 17): "
				+ clientLines("H2-GOAWAY-RETRY").size());
	}

	@Test
	void drainsDoNotWaitOutTheirTimeout() {
		Matcher drained = DRAINED.matcher(this.cluster.outputText());
		List<Long> drains = new ArrayList<>();
		while (drained.find()) {
			assertThat(drained.group(1)).isEqualTo("Drained in");
			drains.add(Long.parseLong(drained.group(2)));
		}
		assertThat(drains).hasSize(2).allSatisfy((millis) -> assertThat(millis).isLessThan(20_000));
		System.out.println("Rolling restart took " + this.rollout.toMillis() + " ms; drains " + drains + " ms");
		assertThat(this.rollout).isLessThan(Duration.ofSeconds(120 + 60));
	}

	private void startClient() throws IOException, URISyntaxException {
		Path classes = Path.of(LongLivedClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		assertThat(Files.isDirectory(classes)).isTrue();
		List<String> command = new ArrayList<>(prefix());
		command.addAll(List.of(ServerCluster.java(), "-cp", classes.toString(), LongLivedClient.class.getName(),
				Integer.toString(this.cluster.port())));
		this.client = new ProcessBuilder(command).redirectErrorStream(true).start();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(this.client.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					System.out.println("[client] " + line);
					synchronized (this.clientOutput) {
						this.clientOutput.add(line);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, "long-lived-client-output");
		reader.setDaemon(true);
		reader.start();
	}

	private List<String> clientLines(String prefix) {
		synchronized (this.clientOutput) {
			return this.clientOutput.stream().filter((line) -> line.startsWith(prefix)).toList();
		}
	}

	private List<String> prefix() {
		return (this.namespace != null) ? this.namespace.prefix() : List.of();
	}

	private static String hostTcpMigrateReq() {
		try {
			return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).trim();
		}
		catch (IOException ex) {
			return "unavailable";
		}
	}

}
