package io.clusterboot.it;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

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
	void workersOfAClassPathLaunchRunTheSameMainClass() {
		this.cluster = ClusterProcess
			.startClassPath(List.of("-Dapp.marker=class-path-launch"), "--app.greeting=from the class path",
					"--cluster.worker.jvm-args=-Dapp.extra=1")
			.awaitReady();
		JsonNode jvm = this.cluster.get("/jvm");
		assertThat(strings(jvm.get("command"))).contains("-cp", "io.clusterboot.it.app.TestApplication")
			.doesNotContain("-jar");
		assertThat(strings(jvm.get("inputArguments"))).contains("-Dapp.marker=class-path-launch", "-Dapp.extra=1");
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
	void eachWorkerGetsItsOwnDebuggerPort() {
		int debugPort = ClusterProcess.freePort();
		this.cluster = ClusterProcess
			.startJar(List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + debugPort))
			.awaitReady();
		JsonNode jvm = this.cluster.get("/jvm");
		int workerId = jvm.get("worker").asInt();
		assertThat(strings(jvm.get("inputArguments")))
			.contains("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + (debugPort + workerId));
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
