package io.clusterboot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import io.clusterboot.internal.master.MasterSettings;
import io.clusterboot.supervisor.RestartBackoff;
import io.clusterboot.supervisor.SupervisorSettings;

/**
 * Maps the {@code cluster.*} properties to the settings the master and its supervisor
 * run with: the one place where {@link ClusterProperties} meets the code it configures.
 *
 * @since 0.1.0
 */
public final class ClusterSettings {

	private static final Log logger = LogFactory.getLog(ClusterSettings.class);

	private ClusterSettings() {
	}

	/**
	 * Bind the {@code cluster.*} properties of an environment, before any context exists.
	 * @param environment the environment
	 * @return the properties
	 */
	public static ClusterProperties bind(Environment environment) {
		return Binder.get(environment)
			.bind("cluster", Bindable.ofInstance(new ClusterProperties()))
			.orElseGet(ClusterProperties::new);
	}

	/**
	 * The master's settings. Says, as a warning, when {@code cluster.shutdown-timeout}
	 * does not cover what a stopping worker may take.
	 * @param properties the properties
	 * @param environment the environment, for the Spring Boot settings that bound a
	 * worker's shutdown
	 * @return the settings
	 * @throws IllegalArgumentException naming the property that is out of range
	 */
	public static MasterSettings master(ClusterProperties properties, Environment environment) {
		String pidFile = properties.getPidFile();
		ClusterProperties.Worker worker = properties.getWorker();
		ShutdownBudget budget = ShutdownBudget.of(properties, environment);
		String warning = budget.check(properties.getShutdownTimeout());
		if (warning != null) {
			logger.warn(warning);
		}
		String classDataDirectory = worker.getClassDataDirectory();
		return new MasterSettings(supervisor(properties, budget.resolve(properties.getShutdownTimeout())),
				(pidFile != null && !pidFile.isBlank()) ? Path.of(pidFile) : null, maxFrameSize(properties),
				properties.getIpc().getHandshakeTimeout(), List.copyOf(worker.getJvmArgs()),
				worker.isExitOnOutOfMemoryError(), worker.isHeapShare(), properties.getPortSharing(),
				properties.isWarnWorkerLocalState(), worker.getClassData() == ClusterProperties.Worker.ClassData.AUTO,
				(classDataDirectory != null && !classDataDirectory.isBlank()) ? Path.of(classDataDirectory) : null);
	}

	/**
	 * The supervisor's settings.
	 * @param properties the properties
	 * @param shutdownTimeout the time a stopping worker gets before it is killed
	 * @return the settings
	 * @throws IllegalArgumentException naming the property that is out of range
	 */
	static SupervisorSettings supervisor(ClusterProperties properties, Duration shutdownTimeout) {
		WorkerCount workers = properties.getWorkers();
		if (workers == null || !workers.isClustered()) {
			throw new IllegalArgumentException("cluster.workers must be 'auto' or a positive number to supervise");
		}
		ClusterProperties.Worker worker = properties.getWorker();
		ClusterProperties.Restart restart = properties.getRestart();
		return new SupervisorSettings(workers.resolve(),
				(properties.getMaxWorkers() != null) ? properties.getMaxWorkers()
						: ClusterProperties.defaultMaxWorkers(),
				worker.getSpares(), worker.getBootConcurrency(), shutdownTimeout, worker.getBootTimeout(),
				worker.getTimeout(), worker.getHeartbeatInterval(), properties.getIpc().getMaxPendingMessages(),
				properties.getMetrics().getScrapeTimeout(),
				new SupervisorSettings.Restart(
						new RestartBackoff(restart.getInitialDelay(), restart.getMultiplier(), restart.getMaxDelay()),
						restart.getResetAfter(), restart.getMaxBootFailures()),
				new SupervisorSettings.Recycling(worker.getMaxRequests(), worker.getMaxRequestsJitter(),
						worker.getMaxMemory(), worker.getMaxLifetime()));
	}

	/**
	 * The largest IPC frame, in bytes.
	 * @param properties the properties
	 * @return the limit
	 */
	public static int maxFrameSize(ClusterProperties properties) {
		return Math.toIntExact(properties.getIpc().getMaxFrameSize().toBytes());
	}

}
