package io.clusterboot.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes Deployment and the systemd unit of {@code docs/examples}, as far as this
 * machine can run them: the unit's start, reload and stop commands, and the Deployment's
 * probe paths with its health settings, on one real cluster; and the timeouts of both
 * adding up.
 */
class DeploymentExamplesIT extends AbstractClusterIT {

	/**
	 * What a stopping worker may take with the default settings, which
	 * {@code cluster.shutdown-timeout} is when unset: a 20 s drain, a 30 s graceful
	 * shutdown phase and 5 s to exit.
	 */
	private static final int DEFAULT_SHUTDOWN_SECONDS = 20 + 30 + 5;

	private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../docs/examples");

	@Test
	void theSystemdUnitAndTheDeploymentRunAClusterThatReloadsAndStopsWithinTheirTimeouts(@TempDir Path temp)
			throws Exception {
		String unit = Files.readString(EXAMPLES.resolve("cluster-app.service"));
		String deployment = Files.readString(EXAMPLES.resolve("kubernetes-deployment.yaml"));
		assertThat(value(unit, "KillMode")).isEqualTo("mixed");
		assertThat(Integer.parseInt(value(unit, "TimeoutStopSec"))).isGreaterThan(DEFAULT_SHUTDOWN_SECONDS);
		int preStop = Integer.parseInt(find(deployment, "sleep:\\s+seconds: (\\d+)"));
		assertThat(preStop + DEFAULT_SHUTDOWN_SECONDS)
			.isLessThan(Integer.parseInt(find(deployment, "terminationGracePeriodSeconds: (\\d+)")));

		// ExecStart, with this machine's java and jar, the test's pid file and two workers
		List<String> start = new ArrayList<>(Arrays.asList(value(unit, "ExecStart").split("\\s+")));
		assertThat(start.subList(0, 3)).containsExactly("/usr/bin/java", "-jar", "/srv/app/app.jar");
		Path pidFile = temp.resolve("master.pid");
		List<String> arguments = new ArrayList<>();
		for (String argument : start.subList(3, start.size())) {
			arguments.add(argument.replace("/srv/app/master.pid", pidFile.toString())
				.replace("--cluster.workers=auto", "--cluster.workers=2"));
		}
		// The Deployment's environment, as the relaxed binding reads it
		Matcher env = Pattern.compile("- name: ([A-Z_]+)\\s+value: \"([^\"]*)\"").matcher(deployment);
		while (env.find()) {
			arguments.add("--" + env.group(1).toLowerCase(Locale.ROOT).replace('_', '.') + "=" + env.group(2));
		}
		this.cluster = ClusterProcess
			.startJar(List.of(), Path.of(ClusterProcess.jar()), temp, arguments.toArray(String[]::new))
			.awaitReady();
		long master = Long.parseLong(Files.readString(pidFile).trim());
		assertThat(master).isEqualTo(this.cluster.masterPid());

		Matcher probes = Pattern.compile("path: (/\\S+)").matcher(deployment);
		List<String> paths = new ArrayList<>();
		while (probes.find()) {
			paths.add(probes.group(1));
		}
		assertThat(paths).contains("/actuator/health/readiness", "/actuator/health/liveness");
		for (String path : paths) {
			JsonNode health = this.cluster.get(path);
			assertThat(health.get("status").asString()).as(path).isEqualTo("UP");
		}

		// systemctl reload: ExecReload with $MAINPID
		run(value(unit, "ExecReload").replace("$MAINPID", Long.toString(master)));
		this.cluster.awaitOutput("Rolling restart complete: 2 replaced", Duration.ofMinutes(4));
		assertThat(this.cluster.get("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");

		// systemctl stop with KillMode=mixed: SIGTERM to the master alone
		this.cluster.signal(master, value(unit, "KillSignal").replace("SIG", ""));
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(Integer.parseInt(value(unit, "TimeoutStopSec")))))
			.isZero();
		assertThat(pidFile).doesNotExist();
	}

	private static String value(String unit, String key) {
		return find(unit, "(?m)^" + key + "=(.+)$").trim();
	}

	private static String find(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		assertThat(matcher.find()).as("%s in%n%s", regex, text).isTrue();
		return matcher.group(1);
	}

	private static void run(String command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("/bin/sh", "-c", command).inheritIO().start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(command).isZero();
	}

}
