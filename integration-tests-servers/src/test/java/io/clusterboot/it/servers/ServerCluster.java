package io.clusterboot.it.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real cluster of the test application, started with {@code java -jar} from one of
 * the jars this module builds. Closing it kills every process it started.
 */
final class ServerCluster implements AutoCloseable {

	private static final Pattern EVENT = Pattern.compile("CLUSTER-EVENT type=(\\w+) worker=(\\d+) pid=(\\d+)(.*)");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final Process master;

	private final int port;

	private final List<String> output = new ArrayList<>();

	private final Set<ProcessHandle> handles = ConcurrentHashMap.newKeySet();

	private ServerCluster(List<String> command, int port) {
		this.port = port;
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			// Launch workers exactly as the master was launched and stay out of the user's cache
			builder.environment().put("CLUSTER_WORKER_CLASSDATA", "off");
			this.master = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.handles.add(this.master.toHandle());
		Thread reader = new Thread(this::readOutput, "cluster-output-" + this.master.pid());
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start a cluster of two workers from the jar named by a system property.
	 */
	static ServerCluster start(String jarProperty, String... jvmOptions) {
		return start(List.of(), jarProperty, List.of(jvmOptions), List.of());
	}

	/**
	 * Start a cluster of two workers from the jar named by a system property.
	 * @param prefix a command prefix (a network namespace), or empty
	 * @param jarProperty the system property naming the jar
	 * @param jvmOptions options of the master's JVM
	 * @param arguments application arguments
	 */
	static ServerCluster start(List<String> prefix, String jarProperty, List<String> jvmOptions,
			List<String> arguments) {
		int port = freePort();
		List<String> command = new ArrayList<>(prefix);
		command.add(java());
		// Quick start-up for short-lived test JVMs; workers inherit it
		command.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"));
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(System.getProperty(jarProperty));
		command.add("--server.port=" + port);
		command.addAll(arguments);
		return new ServerCluster(command, port);
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.master.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[cluster " + this.master.pid() + "] " + line);
				Matcher event = EVENT.matcher(line);
				if (event.find()) {
					ProcessHandle.of(Long.parseLong(event.group(3))).ifPresent(this.handles::add);
				}
				synchronized (this.output) {
					this.output.add(line);
				}
			}
		}
		catch (IOException ex) {
			// The process has gone
		}
	}

	int port() {
		return this.port;
	}

	long masterPid() {
		return this.master.pid();
	}

	String outputText() {
		synchronized (this.output) {
			return String.join("\n", this.output);
		}
	}

	ServerCluster awaitReady() {
		try {
			awaitOutput("Cluster ready: ");
		}
		catch (RuntimeException | AssertionError ex) {
			close();
			throw ex;
		}
		return this;
	}

	void awaitOutput(String regex) {
		awaitOutput(regex, START_TIMEOUT);
	}

	void awaitOutput(String regex, Duration timeout) {
		Pattern pattern = Pattern.compile(regex);
		try {
			Awaitility.await()
				.atMost(timeout)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> pattern.matcher(outputText()).find() || failFastIfMasterDied());
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No output matching /" + regex + "/; output:\n" + outputText(), ex);
		}
	}

	private boolean failFastIfMasterDied() {
		if (!this.master.isAlive()) {
			throw new AssertionError("The master exited with " + this.master.exitValue() + "; output:\n"
					+ outputText());
		}
		return false;
	}

	/**
	 * The pid of the worker currently listening in a slot, from the events.
	 */
	long workerPid(int workerId) {
		long pid = -1;
		for (String line : outputText().split("\n")) {
			Matcher event = EVENT.matcher(line);
			if (event.find()) {
				long eventPid = Long.parseLong(event.group(3));
				if (Integer.parseInt(event.group(2)) == workerId && event.group(1).equals("listening")) {
					pid = eventPid;
				}
				if (eventPid == pid && event.group(1).equals("exited")) {
					pid = -1;
				}
			}
		}
		return pid;
	}

	long awaitNewWorker(int workerId, long previousPid) {
		long[] pid = new long[1];
		try {
			Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
				pid[0] = workerPid(workerId);
				return pid[0] > 0 && pid[0] != previousPid;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Worker " + workerId + " was not replaced; output:\n" + outputText(), ex);
		}
		return pid[0];
	}

	List<Long> workerPids() {
		return this.master.toHandle().children().map(ProcessHandle::pid).toList();
	}

	/**
	 * {@code GET /} on a new connection: the kernel picks the worker per connection.
	 */
	JsonNode identity() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			socket.setSoTimeout(10000);
			socket.getOutputStream()
				.write(("GET / HTTP/1.0\r\nHost: 127.0.0.1:" + this.port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
				throw new AssertionError("Unexpected response: " + response);
			}
			return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Send requests on new connections until every one of the given pids has answered.
	 */
	void awaitAnswersFrom(Set<Long> pids) {
		Set<Long> answered = ConcurrentHashMap.newKeySet();
		try {
			Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
				answered.add(identity().get("pid").asLong());
				return answered.containsAll(pids);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Only " + answered + " of " + pids + " answered", ex);
		}
	}

	void signal(long pid, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new AssertionError("kill -" + signal + " " + pid + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	int awaitExit(Duration timeout) {
		try {
			if (!this.master.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError("Master still running after " + timeout + "; output:\n" + outputText());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		return this.master.exitValue();
	}

	/**
	 * Every process this cluster has shown: master and workers.
	 */
	Set<ProcessHandle> processes() {
		return Set.copyOf(this.handles);
	}

	@Override
	public void close() {
		List<ProcessHandle> all = new ArrayList<>(this.handles);
		this.master.toHandle().descendants().forEach(all::add);
		all.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : all) {
			try {
				handle.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// Best effort
			}
		}
	}

}
