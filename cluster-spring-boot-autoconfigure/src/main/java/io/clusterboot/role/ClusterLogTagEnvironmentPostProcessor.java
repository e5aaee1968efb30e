package io.clusterboot.role;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.clusterboot.internal.logging.LogTag;

/**
 * Makes every log line of a cluster say which process wrote it, {@code master} or
 * {@code worker-<id>}, in Spring Boot's default console and file patterns and in its
 * structured (JSON) logging. It is an environment post-processor, and not part of
 * {@link ClusterRoleApplicationListener}, because it must contribute its properties before
 * Spring Boot's {@code LoggingApplicationListener} starts the logging system, and the role
 * listener runs after it, so that the master's and the workers' own messages are logged.
 * <p>
 * The tag goes into the log level part of Boot's patterns ({@code logging.pattern.level},
 * {@code %5p} by default), which is Boot's documented place for extra content on every
 * line, and which both Logback's and Log4j2's default console and file patterns include:
 * <pre class="code">
 * 2026-12-02T21:00:00.000Z  INFO [worker-2] 1234 --- [myapp] [main] c.e.Foo : ...
 * </pre>
 * The other parts of the pattern that a property fills are owned by something else:
 * {@code spring.application.name} and {@code spring.application.group} identify the
 * application to metrics, tracing and OpenTelemetry, which must see one application, not
 * one per worker, and {@code logging.pattern.correlation} is where Micrometer Tracing
 * puts its trace and span ids (and Spring Boot's default for it depends on tracing being
 * present). Structured logging gets {@code cluster.role} and, in a worker,
 * {@code cluster.worker} through {@code logging.structured.json.add}, which every format
 * (ECS, Logstash, GELF) applies.
 * <p>
 * All of it is a default: the properties go last in the environment, so an application's
 * own {@code logging.pattern.level} or {@code logging.structured.json.add.cluster.*} wins,
 * and its other {@code add} entries are kept. A custom {@code logging.pattern.console} is
 * left alone (it can show the tag with {@code ${CLUSTER_LOG_TAG:}}, or in Logback
 * {@code %property{CLUSTER_LOG_TAG}}). {@code cluster.logging.worker-tag=false} turns it all
 * off.
 *
 * @see LogTag
 */
final class ClusterLogTagEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * After the application's configuration is loaded, so that the role is decided on the
	 * complete environment.
	 */
	static final int ORDER = Ordered.LOWEST_PRECEDENCE;

	static final String PROPERTY_SOURCE_NAME = "clusterLogTag";

	static final String ENABLED_PROPERTY = "cluster.logging.worker-tag";

	static final String LEVEL_PATTERN_PROPERTY = "logging.pattern.level";

	private static final String WORKER_ID_PROPERTY = "cluster.worker.id";

	private static final String JSON_ADD_PROPERTY = "logging.structured.json.add";

	private static final String LOGBACK_LOGGING_SYSTEM = "org.springframework.boot.logging.logback.LogbackLoggingSystem";

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		ClusterRole role = taggedRole(environment, application);
		if (role == ClusterRole.STANDALONE || role == ClusterRole.CONTROL || role == ClusterRole.TRAINING) {
			// An operator's command and a training run are neither the master nor a worker
			return;
		}
		@Nullable Integer workerId = (role == ClusterRole.WORKER)
				? environment.getProperty(WORKER_ID_PROPERTY, Integer.class) : null;
		LogTag.set(tag(workerId));
		boolean logback = LOGBACK_LOGGING_SYSTEM
			.equals(LoggingSystem.get(application.getClassLoader()).getClass().getName());
		boolean gelf = isGelf(environment, "console") || isGelf(environment, "file");
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, properties(workerId, logback, gelf)));
	}

	private static boolean isGelf(ConfigurableEnvironment environment, String target) {
		return "gelf".equalsIgnoreCase(environment.getProperty("logging.structured.format." + target, "").trim());
	}

	/**
	 * The role of this process, or {@link ClusterRole#STANDALONE} if its lines are not
	 * tagged. A malformed {@code cluster.*} property leaves them untagged: the role
	 * listener reports it once logging has started.
	 */
	private static ClusterRole taggedRole(ConfigurableEnvironment environment, SpringApplication application) {
		try {
			if (!Binder.get(environment).bind(ENABLED_PROPERTY, Boolean.class).orElse(true)) {
				return ClusterRole.STANDALONE;
			}
			ClusterRole role = ClusterRole.of(environment, application);
			if (role == ClusterRole.WORKER) {
				environment.getRequiredProperty(WORKER_ID_PROPERTY, Integer.class);
			}
			return role;
		}
		catch (RuntimeException ex) {
			return ClusterRole.STANDALONE;
		}
	}

	/**
	 * The tag of a process.
	 * @param workerId the worker's id, or {@code null} for the master
	 * @return the tag
	 */
	static String tag(@Nullable Integer workerId) {
		return (workerId != null) ? LogTag.worker(workerId) : LogTag.MASTER;
	}

	/**
	 * The logging properties that show a process's tag.
	 * @param workerId the worker's id, or {@code null} for the master
	 * @param logback whether the logging system is Logback, which reads the tag from
	 * {@link LogTag#SYSTEM_PROPERTY} for every line, so that it can change; other logging
	 * systems get it as text
	 * @param gelf whether structured logging uses GELF, whose additional fields start with
	 * an underscore
	 * @return the properties
	 */
	static Map<String, Object> properties(@Nullable Integer workerId, boolean logback, boolean gelf) {
		Map<String, Object> properties = new LinkedHashMap<>();
		String shown = logback ? "%property{" + LogTag.SYSTEM_PROPERTY + "}" : tag(workerId);
		properties.put(LEVEL_PATTERN_PROPERTY, "%5p [" + shown + "]");
		// In brackets: the whole of a member's name is the key of the 'add' map
		String member = JSON_ADD_PROPERTY + (gelf ? "[_cluster." : "[cluster.");
		properties.put(member + "role]", (workerId != null) ? "worker" : LogTag.MASTER);
		if (workerId != null) {
			properties.put(member + "worker]", workerId.toString());
		}
		return properties;
	}

}
