package io.clusterboot.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The operator's command line, {@code java -jar app.jar --cluster.control=...
 * --cluster.pid-file=...}, run as a real process against one real cluster started under
 * {@code nohup} (SIGHUP ignored) with no actuator endpoint exposed: status, scale, reload,
 * a stale pid file, stop. The tests run in order on that cluster. Wrong command lines are
 * {@code ClusterControlTests}' and {@code ControlCommandTests}'.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlCommandIT {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

	private Path directory;

	private Path pidFile;

	private ClusterProcess cluster;

	@BeforeAll
	void start() throws IOException {
		this.directory = Files.createTempDirectory("control-it");
		this.pidFile = this.directory.resolve("master.pid");
		this.cluster = ClusterProcess
			.startJar(List.of("nohup"), Path.of(ClusterProcess.jar()), this.directory,
					"--cluster.pid-file=" + this.pidFile, "--management.endpoints.web.exposure.exclude=*")
			.awaitReady();
		this.cluster.awaitOutput("SIGHUP was ignored when this process started");
	}

	@AfterAll
	void close() throws IOException {
		if (this.cluster != null) {
			this.cluster.close();
		}
		try (var files = Files.list(this.directory)) {
			for (Path file : files.toList()) {
				Files.deleteIfExists(file);
			}
		}
		Files.deleteIfExists(this.directory);
	}

	@Test
	@Order(1)
	void statusPrintsEveryWorker() {
		Result status = control("status");
		assertThat(status.exitCode()).as(status.output()).isZero();
		assertThat(status.output()).contains("Cluster master pid " + this.cluster.masterPid())
			.contains("2 of 2 workers listening")
			.containsPattern("(?m)^WORKER +PID +STATE +UPTIME +RESTARTS +HEAP +REQUESTS +LAST EXIT$")
			.containsPattern("(?m)^1 +" + this.cluster.workerPid(1) + " +listening ")
			.containsPattern("(?m)^2 +" + this.cluster.workerPid(2) + " +listening ");
		// The command did not start the application
		assertThat(status.output()).doesNotContain("Starting TestApplication").doesNotContain("CLUSTER-EVENT");
	}

	@Test
	@Order(2)
	void scaleChangesTheRealProcesses() {
		Result up = control("scale:3");
		assertThat(up.exitCode()).as(up.output()).isZero();
		assertThat(up.output()).contains("Scaling from 2 to 3 workers").contains("Running 3 workers");
		assertThat(this.cluster.workerProcesses()).hasSize(3);
		Result down = control("scale:2");
		assertThat(down.exitCode()).as(down.output()).isZero();
		assertThat(down.output()).contains("Scaling from 3 to 2 workers").contains("Running 2 workers");
		assertThat(this.cluster.workerProcesses()).hasSize(2);
		this.cluster.awaitOutput("CLUSTER-EVENT type=exited worker=3 ", Duration.ofSeconds(10));
		assertThat(this.cluster.events("exited")).singleElement()
			.satisfies((event) -> assertThat(event.detail("cause")).isEqualTo("STOPPED"));
	}

	@Test
	@Order(3)
	void reloadReplacesEveryWorker() {
		Set<Long> before = workerPids();
		Result reload = control("reload");
		assertThat(reload.exitCode()).as(reload.output()).isZero();
		assertThat(reload.output()).contains("Rolling restart of 2 workers started")
			.contains("Worker 1 replaced")
			.contains("Worker 2 replaced")
			.contains("Rolling restart complete: 2 replaced");
		Set<Long> after = workerPids();
		assertThat(after).hasSize(2).doesNotContainAnyElementsOf(before);
	}

	@Test
	@Order(4)
	void aStalePidFileSaysSo() throws IOException {
		long notAMaster = ProcessHandle.current().pid();
		Path stale = Files.writeString(this.directory.resolve("stale.pid"), notAMaster + "\n");
		Result result = control("status", "--cluster.pid-file=" + stale);
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output())
			.contains("No cluster master is running with pid " + notAMaster + " (from " + stale
					+ "); stale pid file?");
	}

	@Test
	@Order(5)
	void anotherOsUserIsRefused() throws IOException {
		assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
				"needs root and setpriv to run the command as another user");
		// A pid file the other user can read, in a directory it can enter
		Path shared = Files.createTempDirectory("control-it-shared");
		try {
			Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
			Path pidFile = Files.writeString(shared.resolve("master.pid"), this.cluster.masterPid() + "\n");
			Files.setPosixFilePermissions(pidFile, PosixFilePermissions.fromString("rw-r--r--"));
			Result result = control(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
					shared, "status", "--cluster.pid-file=" + pidFile);
			assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
			assertThat(result.output()).contains("belongs to OS user root, and only a master's own user may operate it");
			assertThat(result.output()).doesNotContain("WORKER ");
		}
		finally {
			Files.deleteIfExists(shared.resolve("master.pid"));
			Files.deleteIfExists(shared);
		}
	}

	@Test
	@Order(6)
	void stopEndsTheMaster() {
		Result stop = control("stop");
		assertThat(stop.exitCode()).as(stop.output()).isZero();
		assertThat(stop.output()).contains("Cluster master (pid " + this.cluster.masterPid() + ") stopped");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(10))).isZero();
		assertThat(this.pidFile).doesNotExist();
	}

	private Set<Long> workerPids() {
		return this.cluster.workerProcesses().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
	}

	/**
	 * Run {@code java -jar app.jar --cluster.control=<command> --cluster.pid-file=<the
	 * cluster's>}, or with the pid file given.
	 */
	private Result control(String command, String... arguments) {
		return control(List.of(), this.directory, command, arguments);
	}

	/**
	 * Run the command behind a prefix (another user's, say), in a working directory.
	 */
	private Result control(List<String> prefix, Path workingDirectory, String command, String... arguments) {
		List<String> line = new ArrayList<>(prefix);
		line.addAll(List.of(ClusterProcess.java(), "-XX:TieredStopAtLevel=1", "-jar", ClusterProcess.jar(),
				"--cluster.control=" + command));
		line.addAll((arguments.length > 0) ? List.of(arguments) : List.of("--cluster.pid-file=" + this.pidFile));
		ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true)
			.directory(workingDirectory.toFile());
		builder.environment().put("CLUSTER_WORKER_CLASSDATA", "off");
		Process process = null;
		try {
			process = builder.start();
			Process running = process;
			StringBuilder output = new StringBuilder();
			Thread reader = new Thread(() -> {
				try {
					output.append(new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					// The process was killed
				}
			}, "control-output");
			reader.start();
			if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				throw new AssertionError("cluster.control=" + command + " still running after " + COMMAND_TIMEOUT);
			}
			reader.join(5000);
			String text = output.toString();
			System.out.println("[cluster.control=" + command + "] " + text.replace("\n", "\n[control] "));
			return new Result(process.exitValue(), text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
		}
	}

	record Result(int exitCode, String output) {
	}

}
