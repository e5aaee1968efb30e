package io.clusterboot.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The master as PID 1 of a container started without an init: in a PID namespace of its
 * own, as a container runtime starts its entrypoint, and under a CPU limit of one
 * processor where the test can set one. The master runs one worker per processor of the
 * limit with {@code cluster.workers=auto}, reaps the process a killed worker leaves
 * behind (from Java 22; before, it says what to do instead), replaces the worker, and on
 * SIGTERM stops with exit code 0, leaving nothing behind. The master runs on the newest
 * Java found beside the test's, or on the one whose home is
 * {@code cluster.it.master-java-home}. Needs root and {@code unshare}.
 */
class ContainerMasterIT extends AbstractClusterIT {

	@Test
	void theMasterAsPidOneFollowsTheCpuLimitReapsOrphansAndStopsCleanly() throws Exception {
		assumeTrue(System.getProperty("os.name").startsWith("Linux"), "PID namespaces are Linux's");
		assumeTrue(isRoot(), "A PID namespace needs root");
		String unshare = onPath("unshare");
		assumeTrue(unshare != null, "A PID namespace needs unshare (util-linux)");
		InstalledJava java = masterJava();
		boolean reaps = java.version() >= 22;
		CpuLimit limit = CpuLimit.create(1).orElse(null);
		try {
			List<String> prefix = new ArrayList<>();
			if (limit != null) {
				prefix.addAll(limit.prefix());
			}
			prefix.addAll(List.of(unshare, "--pid", "--fork", "--kill-child", "--mount-proc"));
			int workers = (limit != null) ? 1 : 2;
			this.cluster = ClusterProcess
				.startInPidNamespace(prefix, java.executable(), "--cluster.workers=" + ((limit != null) ? "auto" : "2"))
				.awaitReady();
			ProcessHandle master = this.cluster.master().toHandle().children().findFirst().orElseThrow();
			assertThat(namespacePid(master.pid())).isEqualTo(1);
			if (limit != null) {
				assertThat(Files.readString(Path.of("/proc", Long.toString(master.pid()), "cgroup")))
					.contains(limit.name());
			}
			this.cluster.awaitOutput("Cluster ready: " + workers + " workers listening");
			if (reaps) {
				this.cluster.awaitOutput("INFO .*The master is PID 1 of its container: every 2s it reaps the orphaned "
						+ "processes");
			}
			else {
				this.cluster.awaitOutput("WARN .*The master is PID 1 of its container and cannot reap orphaned "
						+ "processes .*docker run --init");
			}

			// A worker starts a process and is killed: the kernel gives the process to PID 1
			JsonNode spawned = this.cluster.requestOnNewConnection("POST", "/spawn?seconds=2");
			long workerPid = spawned.get("pid").asLong();
			long childPid = spawned.get("child").asLong();
			long worker = hostPid(master, workerPid);
			long orphan = hostPid(master, childPid);
			Stat sleeping = Stat.of(orphan).orElseThrow();
			this.cluster.signal(worker, "KILL");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Stat.of(orphan).filter((stat) -> stat.parent() == master.pid()).isPresent());
			if (reaps) {
				// Gone, not a zombie: it exits after 2s and is reaped after two more scans
				await().atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(100))
					.until(() -> Stat.of(orphan).filter((stat) -> stat.start() == sleeping.start()).isEmpty());
				this.cluster.awaitOutput("Reaped orphaned process " + childPid + " \\(sleep\\)", Duration.ofSeconds(5));
			}
			else {
				await().atMost(Duration.ofSeconds(20))
					.until(() -> Stat.of(orphan).filter((stat) -> stat.state() == 'Z').isPresent());
				Thread.sleep(6000);
				assertThat(Stat.of(orphan)).hasValueSatisfying((stat) -> assertThat(stat.state()).isEqualTo('Z'));
			}
			int workerId = spawned.get("worker").asInt();
			this.cluster.awaitNewWorker(workerId, workerPid);

			// docker stop: SIGTERM to PID 1
			List<ProcessHandle> namespace = new ArrayList<>(master.descendants().toList());
			namespace.add(master);
			this.cluster.signal(master.pid(), "TERM");
			assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
			assertThat(this.cluster.outputText()).contains("Stopping the cluster (SIGTERM)")
				.contains("Cluster stopped");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(namespace).noneMatch(ProcessHandle::isAlive));
		}
		finally {
			closeCluster();
			if (limit != null) {
				limit.close();
			}
		}
	}

	/**
	 * The pid here of the process that has pid {@code namespacePid} in the master's
	 * namespace.
	 */
	private static long hostPid(ProcessHandle master, long namespacePid) {
		List<ProcessHandle> candidates = new ArrayList<>(master.descendants().toList());
		candidates.add(master);
		for (ProcessHandle candidate : candidates) {
			if (namespacePid(candidate.pid()) == namespacePid) {
				return candidate.pid();
			}
		}
		throw new AssertionError("No process of the master's namespace has pid " + namespacePid);
	}

	/**
	 * The pid a process has in its own PID namespace: the last of its {@code NSpid}.
	 */
	private static long namespacePid(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("NSpid:")) {
					String[] pids = line.substring("NSpid:".length()).trim().split("\\s+");
					return Long.parseLong(pids[pids.length - 1]);
				}
			}
		}
		catch (IOException ex) {
			// Gone
		}
		return -1;
	}

	private static boolean isRoot() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
			if (line.startsWith("Uid:")) {
				return line.substring("Uid:".length()).trim().split("\\s+")[1].equals("0");
			}
		}
		return false;
	}

	private static String onPath(String program) {
		for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, program);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return null;
	}

	/**
	 * The newest Java installed beside the test's (from 22, the master reaps orphans),
	 * or the test's own if it is the newest.
	 */
	private static InstalledJava masterJava() throws IOException {
		String chosen = System.getProperty("cluster.it.master-java-home");
		InstalledJava java = (chosen != null) ? InstalledJava.of(Path.of(chosen)).orElseThrow(
				() -> new IllegalArgumentException("cluster.it.master-java-home=" + chosen + " is no Java home"))
				: InstalledJava.newest();
		System.out.println("The master runs on Java " + java.version() + ": " + java.executable());
		return java;
	}

	/**
	 * What this test reads of {@code /proc/<pid>/stat}.
	 */
	private record Stat(char state, long parent, long start) {

		static Optional<Stat> of(long pid) {
			String stat;
			try {
				stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			}
			catch (IOException ex) {
				return Optional.empty();
			}
			// After the name in parentheses: state, ppid, ... and the start time, field 22
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
			return Optional.of(new Stat(fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[19])));
		}

	}

}
