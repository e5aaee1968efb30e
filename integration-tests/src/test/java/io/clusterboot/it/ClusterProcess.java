package io.clusterboot.it;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * A real cluster of the test application: a master JVM started with
 * {@link ProcessBuilder}, its workers, and their shared output. Closing it kills every
 * process it started, the workers included, even when the master is gone.
 */
final class ClusterProcess implements AutoCloseable {

	/**
	 * Every process a test started or saw in an event, as handles taken while it ran: a
	 * handle kills its own process, never another that got the pid since.
	 */
	private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

	private static final Pattern EVENT = Pattern.compile("CLUSTER-EVENT type=(\\w+) worker=(\\d+) pid=(\\d+)(.*)");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ProcessHandle::destroyForcibly)));
	}

	private final Process master;

	private final int port;

	private final List<String> output = new ArrayList<>();

	private final Set<Long> pids = ConcurrentHashMap.newKeySet();

	private final Set<ProcessHandle> handles = ConcurrentHashMap.newKeySet();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final boolean ownPidNamespace;

	private ClusterProcess(List<String> command, int port, Path directory, boolean ownPidNamespace) {
		this.port = port;
		this.ownPidNamespace = ownPidNamespace;
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			// Launch workers exactly as the master was launched and stay out of the user's
			// cache; ClassDataIT turns class data on with an argument, which wins
			builder.environment().put("CLUSTER_WORKER_CLASSDATA", "off");
			if (directory != null) {
				builder.directory(directory.toFile());
			}
			this.master = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		track(this.master.pid());
		Thread reader = new Thread(this::readOutput, "cluster-output-" + this.master.pid());
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start the test application with {@code java -jar}.
	 */
	static ClusterProcess startJar(List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(java());
		command.addAll(defaultJvmOptions());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar());
		return start(command, arguments);
	}

	/**
	 * Start the test application with {@code java -cp ... MainClass}.
	 */
	static ClusterProcess startClassPath(List<String> jvmOptions, String... arguments) {
		return startClassPath(System.getProperty("java.class.path"), jvmOptions, arguments);
	}

	/**
	 * Start the test application with {@code java -cp ... MainClass} on the given class
	 * path.
	 */
	static ClusterProcess startClassPath(String classPath, List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(java());
		command.addAll(defaultJvmOptions());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add("io.clusterboot.it.app.TestApplication");
		return start(command, arguments);
	}

	/**
	 * Start the test application as IDEs do for long class paths: {@code java @file},
	 * with the options, class path and main class in the argument file.
	 */
	static ClusterProcess startArgumentFile(Path file, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(java());
		command.addAll(defaultJvmOptions());
		command.add("@" + file);
		return start(command, arguments);
	}

	/**
	 * Start a jar of the test application with {@code java -jar}.
	 */
	static ClusterProcess startCopyOfJar(List<String> jvmOptions, Path jar, String... arguments) {
		return startCopyOfJar(java(), jvmOptions, jar, arguments);
	}

	/**
	 * Start a jar on another {@code java} than the test's.
	 */
	static ClusterProcess startCopyOfJar(String java, List<String> jvmOptions, Path jar, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(defaultJvmOptions());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		return start(command, arguments);
	}

	static ClusterProcess start(String... arguments) {
		return startJar(List.of(), arguments);
	}

	/**
	 * Start the test application with {@code java -jar}, choosing the jar, the working
	 * directory and a command prefix (a network namespace).
	 */
	static ClusterProcess startJar(List<String> prefix, Path jar, Path directory, String... arguments) {
		List<String> command = new ArrayList<>(prefix);
		command.add(java());
		command.addAll(defaultJvmOptions());
		command.add("-jar");
		command.add(jar.toString());
		return start(command, directory, arguments);
	}

	/**
	 * Start the test application with {@code java -jar} in a PID namespace of its own,
	 * through a command prefix that puts it there ({@code unshare --pid --fork ...}),
	 * with the given {@code java}. The pids in its output are the namespace's: they are
	 * never taken for this machine's, and closing kills the prefix's process tree.
	 */
	static ClusterProcess startInPidNamespace(List<String> prefix, String java, String... arguments) {
		List<String> command = new ArrayList<>(prefix);
		command.add(java);
		command.addAll(defaultJvmOptions());
		command.add("-jar");
		command.add(jar());
		return start(command, null, true, arguments);
	}

	private static ClusterProcess start(List<String> command, String... arguments) {
		return start(command, null, arguments);
	}

	private static ClusterProcess start(List<String> command, Path directory, String... arguments) {
		return start(command, directory, false, arguments);
	}

	private static ClusterProcess start(List<String> command, Path directory, boolean ownPidNamespace,
			String... arguments) {
		List<String> args = new ArrayList<>(Arrays.asList(arguments));
		int port = Arrays.stream(arguments)
			.filter((argument) -> argument.startsWith("--server.port="))
			.map((argument) -> Integer.parseInt(argument.substring("--server.port=".length())))
			.findFirst()
			.orElse(-2);
		if (port == -2) {
			port = freePort();
			args.add("--server.port=" + port);
		}
		command.addAll(args);
		return new ClusterProcess(command, port, directory, ownPidNamespace);
	}

	private static List<String> defaultJvmOptions() {
		// Quick start-up for short-lived test JVMs; workers inherit it
		return List.of("-XX:TieredStopAtLevel=1");
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	static String jar() {
		return System.getProperty("cluster.it.jar");
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Whether a plain (non-shared) listener can bind the port, i.e. no process holds it.
	 */
	static boolean freePortIsBindable(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void track(long pid) {
		ProcessHandle.of(pid).ifPresent((handle) -> {
			this.handles.add(handle);
			LIVE.add(handle);
		});
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.master.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[cluster " + this.master.pid() + "] " + line);
				Matcher event = EVENT.matcher(line);
				// The pids of a PID namespace of its own are other processes here
				if (event.find() && !this.ownPidNamespace) {
					long pid = Long.parseLong(event.group(3));
					this.pids.add(pid);
					track(pid);
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

	Process master() {
		return this.master;
	}

	long masterPid() {
		return this.master.pid();
	}

	int port() {
		return this.port;
	}

	List<String> output() {
		synchronized (this.output) {
			return new ArrayList<>(this.output);
		}
	}

	String outputText() {
		return String.join("\n", output());
	}

	/**
	 * Wait for a line of output matching {@code regex}.
	 */
	Matcher awaitOutput(String regex) {
		return awaitOutput(regex, START_TIMEOUT);
	}

	Matcher awaitOutput(String regex, Duration timeout) {
		Pattern pattern = Pattern.compile(regex);
		Matcher[] found = new Matcher[1];
		try {
			Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
				for (String line : output()) {
					Matcher matcher = pattern.matcher(line);
					if (matcher.find()) {
						found[0] = matcher;
						return true;
					}
				}
				return false;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No output matching /" + regex + "/ within " + timeout + "; output:\n"
					+ outputText(), ex);
		}
		return found[0];
	}

	/**
	 * The cluster's events so far, in order.
	 */
	List<Event> events() {
		List<Event> events = new ArrayList<>();
		for (String line : output()) {
			Matcher matcher = EVENT.matcher(line);
			if (matcher.find()) {
				events.add(new Event(matcher.group(1), Integer.parseInt(matcher.group(2)),
						Long.parseLong(matcher.group(3)), matcher.group(4).trim()));
			}
		}
		return events;
	}

	List<Event> events(String type) {
		return events().stream().filter((event) -> event.type().equals(type)).toList();
	}

	/**
	 * Wait until the cluster has said it is ready and every slot answers.
	 */
	ClusterProcess awaitReady() {
		try {
			awaitOutput("Cluster ready: ");
		}
		catch (RuntimeException | AssertionError ex) {
			// The caller never gets hold of this cluster to close it
			close();
			throw ex;
		}
		return this;
	}

	/**
	 * The pid of the worker currently listening in a slot, from the events.
	 */
	long workerPid(int workerId) {
		long pid = -1;
		for (Event event : events()) {
			if (event.workerId() == workerId && event.type().equals("listening")) {
				pid = event.pid();
			}
			if (event.pid() == pid && event.type().equals("exited")) {
				pid = -1;
			}
		}
		return pid;
	}

	/**
	 * Wait until slot {@code workerId} has a listening worker other than
	 * {@code previousPid}.
	 */
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

	List<ProcessHandle> workerProcesses() {
		return this.master.toHandle().children().toList();
	}

	/**
	 * Wait until the master has exited and return its exit code.
	 */
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
	 * Every pid this cluster has shown: master and workers.
	 */
	Set<Long> knownPids() {
		Set<Long> all = ConcurrentHashMap.newKeySet();
		all.addAll(this.pids);
		all.add(this.master.pid());
		return all;
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

	JsonNode get(String path) {
		return request(HttpRequest.newBuilder(uri(path)).GET());
	}

	/**
	 * Send a request on a new connection each time until the worker in slot
	 * {@code workerId} answers it (the kernel picks the worker per connection).
	 */
	JsonNode postTo(int workerId, String path) {
		return requestTo(workerId, "POST", path);
	}

	/**
	 * Send a request to the worker in slot {@code workerId}: open connections until one
	 * reaches that worker (the kernel picks the worker per connection), asking each who
	 * it is with a harmless {@code GET /}, then send the request on that connection.
	 */
	JsonNode requestTo(int workerId, String method, String path) {
		return JSON.readTree(requestTextTo(workerId, method, path));
	}

	/**
	 * {@code GET} a text resource from the worker in slot {@code workerId}.
	 */
	String requestText(int workerId, String path) {
		return requestTextTo(workerId, "GET", path);
	}

	private String requestTextTo(int workerId, String method, String path) {
		for (int attempt = 0; attempt < 500; attempt++) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
				// A connection the kernel gave to a stopped worker is given up on soon
				socket.setSoTimeout(2000);
				JsonNode identity = JSON.readTree(exchange(socket, "GET", "/", true));
				if (identity.get("worker").asInt() == workerId) {
					socket.setSoTimeout(10000);
					return exchange(socket, method, path, false);
				}
			}
			catch (SocketTimeoutException ex) {
				// Reached a worker that does not answer (stopped on purpose); try another
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		throw new AssertionError("Worker " + workerId + " never answered " + method + " " + path);
	}

	/**
	 * The distinct pids that answer {@code GET /} over new connections.
	 */
	Map<Integer, Long> answeringWorkers(int requests) {
		Map<Integer, Long> workers = new ConcurrentHashMap<>();
		for (int i = 0; i < requests; i++) {
			JsonNode response = requestOnNewConnection("GET", "/");
			workers.put(response.get("worker").asInt(), response.get("pid").asLong());
		}
		return workers;
	}

	/**
	 * One request on a connection of its own, closed after the response.
	 */
	JsonNode requestOnNewConnection(String method, String path) {
		return requestOnNewConnection(this.port, method, path);
	}

	JsonNode requestOnNewConnection(int port, String method, String path) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10000);
			return JSON.readTree(exchange(socket, method, path, false));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String exchange(Socket socket, String method, String path, boolean keepAlive) throws IOException {
		String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + this.port
				+ "\r\nContent-Length: 0\r\n" + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		InputStream input = socket.getInputStream();
		String head = readHead(input);
		if (!head.startsWith("HTTP/1.1 200")) {
			throw new AssertionError("Unexpected response to " + method + " " + path + ": " + head);
		}
		String lower = head.toLowerCase(Locale.ROOT);
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if (lower.contains("transfer-encoding: chunked")) {
			int size;
			while ((size = Integer.parseInt(readLine(input).trim(), 16)) > 0) {
				body.write(input.readNBytes(size));
				readLine(input);
			}
			readLine(input);
		}
		else {
			Matcher length = Pattern.compile("content-length: (\\d+)").matcher(lower);
			body.write(length.find() ? input.readNBytes(Integer.parseInt(length.group(1))) : input.readAllBytes());
		}
		return body.toString(StandardCharsets.UTF_8);
	}

	private static String readHead(InputStream input) throws IOException {
		StringBuilder head = new StringBuilder();
		String line;
		while (!(line = readLine(input)).isEmpty()) {
			head.append(line).append('\n');
		}
		return head.toString();
	}

	private static String readLine(InputStream input) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = input.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		if (c == -1 && line.isEmpty()) {
			throw new IOException("Connection closed before a complete response");
		}
		return line.toString();
	}

	/**
	 * A request on a new connection, returning status and body whatever the status.
	 */
	HttpResult http(String method, String path, String jsonBody) {
		return http(this.port, method, path, jsonBody);
	}

	HttpResult http(int port, String method, String path, String jsonBody) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(20));
		if (jsonBody != null) {
			request.header("Content-Type", "application/json");
			request.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new HttpResult(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * The status and body of an HTTP response.
	 */
	record HttpResult(int status, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private JsonNode request(HttpRequest.Builder request) {
		return request(this.http, request);
	}

	private static JsonNode request(HttpClient client, HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
			}
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	@Override
	public void close() {
		List<ProcessHandle> all = new ArrayList<>();
		all.add(this.master.toHandle());
		this.master.toHandle().descendants().forEach(all::add);
		all.addAll(this.handles);
		all.forEach(ProcessHandle::destroyForcibly);
		for (ProcessHandle handle : all) {
			try {
				handle.onExit().get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// Best effort: the shutdown hook tries again
			}
			LIVE.remove(handle);
		}
	}

	/**
	 * One line of the master's event log.
	 */
	record Event(String type, int workerId, long pid, String details) {

		String detail(String name) {
			Matcher matcher = Pattern.compile("\\b" + name + "=(\\S+)").matcher(this.details);
			return matcher.find() ? matcher.group(1) : null;
		}

	}

}
