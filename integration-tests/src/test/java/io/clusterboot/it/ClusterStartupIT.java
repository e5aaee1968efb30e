package io.clusterboot.it;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.ListeningConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starting a cluster: relaunching the application exactly, and failing fast and clearly
 * on bad input.
 */
class ClusterStartupIT extends AbstractClusterIT {

	@Test
	void workersOfAJarLaunchRunTheMastersJavaOptionsAndArguments() {
		this.cluster = ClusterProcess
			.startJar(List.of("-Dapp.marker=jar-launch", "-Xss1m"), "--app.greeting=hello cluster")
			.awaitReady();
		JsonNode jvm = this.cluster.get("/jvm");
		assertThat(strings(jvm.get("inputArguments"))).contains("-Dapp.marker=jar-launch", "-Xss1m",
				"-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=25.0");
		assertThat(strings(jvm.get("command"))).containsSequence("-jar", ClusterProcess.jar());
		assertThat(jvm.get("greeting").asString()).isEqualTo("hello cluster");
		assertThat(jvm.get("workingDirectory").asString()).isEqualTo(System.getProperty("user.dir"));
	}

	@Test
	void workersOfAClassPathLaunchFromAnArgumentFileRunTheSameMainClassWithItsOptionsRewritten(@TempDir Path temp)
			throws IOException {
		// As IDEs launch an application with a long class path: everything in an @file
		Path file = Files.writeString(temp.resolve("idea.args"),
				"-Dapp.marker=\"from the argument file\"\n-cp \"" + System.getProperty("java.class.path")
						+ "\"\nio.clusterboot.it.app.TestApplication\n");
		this.cluster = ClusterProcess
			.startArgumentFile(file, "--app.greeting=from the class path", "--cluster.worker.jvm-args=-Dapp.marker=last")
			.awaitReady();
		JsonNode jvm = this.cluster.get("/jvm");
		List<String> command = strings(jvm.get("command"));
		assertThat(command).contains("-cp", "io.clusterboot.it.app.TestApplication").doesNotContain("-jar")
			.noneMatch((argument) -> argument.startsWith("@"));
		// The worker's own options come after the argument file's, and win
		assertThat(command).containsSubsequence("-Dapp.marker=from the argument file", "-Dapp.marker=last",
				"io.clusterboot.it.app.TestApplication");
		assertThat(jvm.get("greeting").asString()).isEqualTo("from the class path");
		assertThat(this.cluster.answeringWorkers(40)).containsOnlyKeys(1, 2);
	}

	@Test
	void aHeapSizeChosenByTheUserIsKept() {
		this.cluster = ClusterProcess.startJar(List.of("-Xmx200m")).awaitReady();
		JsonNode jvm = this.cluster.get("/jvm");
		assertThat(strings(jvm.get("inputArguments"))).contains("-Xmx200m")
			.noneMatch((argument) -> argument.startsWith("-XX:MaxRAMPercentage"));
		assertThat(jvm.get("maxHeap").asLong()).isLessThanOrEqualTo(200L * 1024 * 1024);
	}

	@Test
	void aDebuggerThatSuspendsTheMasterLeavesEachWorkerListeningOnItsOwnPortUnsuspended() throws Exception {
		int debugPort = ClusterProcess.freePort();
		// JDWP's default is suspend=y: the master waits for a debugger, its workers must not
		this.cluster = ClusterProcess
			.startJar(List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=127.0.0.1:" + debugPort));
		VirtualMachine master = attach(debugPort);
		try {
			master.resume();
			this.cluster.awaitReady();
			JsonNode jvm = this.cluster.get("/jvm");
			int workerId = jvm.get("worker").asInt();
			assertThat(strings(jvm.get("inputArguments"))).contains(
					"-agentlib:jdwp=transport=dt_socket,server=y,address=127.0.0.1:" + (debugPort + workerId) + ",suspend=n");
			for (int id = 1; id <= 2; id++) {
				attach(debugPort + id).dispose();
			}
			assertThat(this.cluster.outputText()).contains("Debugger: each worker listens on its own port")
				.contains("Listening for transport dt_socket at address: " + (debugPort + 1))
				.contains("Listening for transport dt_socket at address: " + (debugPort + 2));
		}
		finally {
			master.dispose();
		}
	}

	@Test
	void aDebuggerThatTheMasterConnectsToLeavesEachWorkerListeningOnAFreePort() throws Exception {
		// How IDEs launch: the IDE listens, the JVM connects to it and is suspended until then
		ListeningConnector connector = socketConnector(Bootstrap.virtualMachineManager().listeningConnectors());
		Map<String, Connector.Argument> arguments = connector.defaultArguments();
		arguments.get("localAddress").setValue("127.0.0.1");
		arguments.get("port").setValue("0");
		String listening = connector.startListening(arguments);
		String address = "127.0.0.1:" + listening.substring(listening.lastIndexOf(':') + 1);
		try {
			this.cluster = ClusterProcess.startJar(
					List.of("-agentlib:jdwp=transport=dt_socket,server=n,address=" + address));
			VirtualMachine master = connector.accept(arguments);
			try {
				master.resume();
				this.cluster.awaitReady();
				List<Integer> workerPorts = new ArrayList<>();
				Matcher workers = Pattern.compile("Listening for transport dt_socket at address: (\\d+)")
					.matcher(this.cluster.outputText());
				while (workers.find()) {
					workerPorts.add(Integer.parseInt(workers.group(1)));
				}
				assertThat(workerPorts).hasSize(2).doesNotHaveDuplicates();
				for (int port : workerPorts) {
					attach(port).dispose();
				}
				assertThat(this.cluster.outputText())
					.contains("Debugger: the master connects to the debugger listening at the address given (server=n)");
			}
			finally {
				master.dispose();
			}
		}
		finally {
			connector.stopListening(arguments);
		}
	}

	private static <C extends Connector> C socketConnector(List<C> connectors) {
		return connectors.stream()
			.filter((candidate) -> candidate.transport().name().equals("dt_socket"))
			.findFirst()
			.orElseThrow();
	}

	private static VirtualMachine attach(int port) throws Exception {
		AttachingConnector connector = socketConnector(Bootstrap.virtualMachineManager().attachingConnectors());
		Map<String, Connector.Argument> arguments = connector.defaultArguments();
		arguments.get("hostname").setValue("127.0.0.1");
		arguments.get("port").setValue(Integer.toString(port));
		Exception failure = null;
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				return connector.attach(arguments);
			}
			catch (IOException ex) {
				// Not listening yet
				failure = ex;
				Thread.sleep(200);
			}
		}
		throw new AssertionError("No debugger could attach on port " + port, failure);
	}

	@Test
	void aPortHeldByAnotherProgramStopsTheMasterBeforeItForks() throws IOException {
		try (ServerSocket other = new ServerSocket()) {
			other.bind(new InetSocketAddress(0));
			int port = other.getLocalPort();
			this.cluster = ClusterProcess.start("--server.port=" + port);
			assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
			assertThat(this.cluster.outputText())
				.contains("port " + port + " is already in use by another program (pid "
						+ ProcessHandle.current().pid())
				.contains("No worker was started");
			assertThat(this.cluster.events()).isEmpty();
		}
	}

	@Test
	void aWebServerWhosePortCannotBeSharedStopsTheMasterBeforeItForks() {
		// The test application without Tomcat but with the Servlet API: a servlet
		// application on none of the servers whose port the workers can share
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !Path.of(entry).getFileName().toString().matches("(spring-boot-)?tomcat-.*\\.jar"))
			.collect(Collectors.joining(File.pathSeparator));
		assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path")).contains("jakarta.servlet-api");
		this.cluster = ClusterProcess.startClassPath(classPath, List.of(), "--cluster.port-sharing=reuseport");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
		assertThat(this.cluster.outputText())
			.contains("The cluster could not share port " + this.cluster.port() + " between its workers: this "
					+ "servlet application has none of the web servers whose port cluster mode can share on its class path")
			.contains("Set cluster.port-sharing=proxy: the master then accepts the connections");
		assertThat(this.cluster.events()).isEmpty();
	}

	@Test
	void theMasterWarnsOnceAboutAnInMemoryDatabaseEachWorkerWouldHaveACopyOf() {
		this.cluster = ClusterProcess.start("--spring.datasource.url=jdbc:h2:mem:pets");
		this.cluster.awaitOutput("Each worker keeps its own copy of an in-memory database "
				+ "\\(spring.datasource.url=jdbc:h2:mem:pets\\)");
		assertThat(this.cluster.outputText()).containsOnlyOnce("Each worker keeps its own copy")
			.contains("Set cluster.warn-worker-local-state=false")
			.doesNotContain("SIGHUP was ignored");
	}

	@Test
	void theMasterRemovesOnlyItsOwnUsersStaleIpcDirectories(@TempDir Path temp) throws IOException {
		FileAttribute<?> privateMode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
		FileTime old = FileTime.from(Instant.now().minus(Duration.ofMinutes(10)));
		// A pid above Linux's largest: a master that is gone
		Path stale = Files.createDirectory(temp.resolve("cluster-99999999-stale"), privateMode);
		Files.createFile(stale.resolve("master.sock"));
		Files.setLastModifiedTime(stale, old);
		Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"), privateMode);
		Files.writeString(elsewhere.resolve("precious"), "data");
		Path link = Files.createSymbolicLink(temp.resolve("cluster-99999998-link"), elsewhere);
		Path theirs = Files.createDirectory(temp.resolve("cluster-99999997-theirs"), privateMode);
		Files.setLastModifiedTime(theirs, old);
		boolean otherUser = giveAway(theirs);
		this.cluster = ClusterProcess.startJar(List.of("-Djava.io.tmpdir=" + temp));
		// The master cleans up once its workers are forked
		this.cluster.awaitOutput("Removed the IPC directories of masters that are gone: \\[cluster-99999999-stale\\]");
		assertThat(stale).doesNotExist();
		assertThat(link).isSymbolicLink();
		assertThat(elsewhere.resolve("precious")).hasContent("data");
		if (otherUser) {
			assertThat(theirs).isDirectory();
		}
	}

	private static boolean giveAway(Path directory) {
		try {
			Files.setOwner(directory,
					directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
			return true;
		}
		catch (IOException ex) {
			// Only root can give a file away
			return false;
		}
	}

	@Test
	void underNohupTheMasterSaysThatSighupCannotRollTheWorkers() {
		// nohup starts the JVM with SIGHUP ignored, and then the JVM installs no handler
		this.cluster = ClusterProcess.startJar(List.of("nohup"), Path.of(ClusterProcess.jar()),
				Path.of(System.getProperty("user.dir")));
		this.cluster.awaitOutput("SIGHUP was ignored when this process started \\(nohup does that\\)");
		assertThat(this.cluster.outputText())
			.contains("Roll them with 'java -jar app.jar --cluster.control=reload --cluster.pid-file=<file>' (start "
					+ "the master with --cluster.pid-file=<file>")
			.contains("POST /actuator/cluster/restart");
	}

	@Test
	void anAgentInJavaToolOptionsThatBindsAPortGetsOneForEachWorker(@TempDir Path temp) throws Exception {
		// How containers add the Prometheus JMX exporter: every worker would find its port taken
		String agent = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> Path.of(entry).getFileName().toString().startsWith("jmx_prometheus_javaagent"))
			.findFirst()
			.orElseThrow();
		Path config = Files.writeString(temp.resolve("jmx.yaml"), "rules:\n- pattern: \".*\"\n");
		int port = ClusterProcess.freePort();
		this.cluster = ClusterProcess
			.startJar(List.of("env", "JAVA_TOOL_OPTIONS=-javaagent:" + agent + "=127.0.0.1:" + port + ":" + config),
					Path.of(ClusterProcess.jar()), temp,
					// This exporter's jar holds an older Prometheus client, unshaded, on the
					// system class path: the application's own Prometheus export cannot run
					"--management.prometheus.metrics.export.enabled=false")
			.awaitReady();
		HttpClient client = HttpClient.newHttpClient();
		for (int offset = 0; offset <= 2; offset++) {
			HttpResponse<String> metrics = client.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + offset) + "/metrics")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(metrics.statusCode()).isEqualTo(200);
			assertThat(metrics.body()).contains("jvm_");
		}
		assertThat(this.cluster.outputText()).doesNotContain("Java agent options passed unchanged");
	}

	@Test
	void aMalformedWorkerCountFailsWithTheAcceptedValues() {
		this.cluster = ClusterProcess.start("--cluster.workers=lots");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
		assertThat(this.cluster.outputText()).contains("cluster.workers")
			.contains("'lots' is not a number of workers; accepted values are 'auto', 0 (cluster mode off) or a positive number");
		assertThat(this.cluster.events()).isEmpty();
	}

	@Test
	void aNegativeWorkerCountFailsWithTheAcceptedValues() {
		this.cluster = ClusterProcess.start("--cluster.workers=-3");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
		assertThat(this.cluster.outputText()).contains("cluster.workers").contains("'-3' is negative");
	}

	@Test
	void zeroWorkersRunsAnOrdinarySingleProcess() {
		this.cluster = ClusterProcess.start("--cluster.workers=0");
		this.cluster.awaitOutput("Started TestApplication");
		JsonNode hello = this.cluster.get("/");
		assertThat(hello.get("pid").asLong()).isEqualTo(this.cluster.masterPid());
		assertThat(hello.get("worker").asInt()).isZero();
		assertThat(this.cluster.workerProcesses()).isEmpty();
	}

	private static List<String> strings(JsonNode array) {
		return array.valueStream().map(JsonNode::asString).toList();
	}

}
