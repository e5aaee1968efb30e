package io.clusterboot.role;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import io.clusterboot.autoconfigure.WorkerCount;

/**
 * The part a process plays in cluster mode.
 *
 * @since 0.1.0
 */
enum ClusterRole {

	/**
	 * An ordinary single process: cluster mode is off, or this is a test.
	 */
	STANDALONE,

	/**
	 * The process that forks, watches and restarts the workers. It runs none of the
	 * application's beans.
	 */
	MASTER,

	/**
	 * One of the processes that run the application.
	 */
	WORKER,

	/**
	 * An operator's command ({@code --cluster.control=...}) that talks to a running master
	 * and exits, without starting the application.
	 */
	CONTROL,

	/**
	 * A training run of an application in cluster mode: {@code spring.context.exit} is
	 * set, as in Spring Boot's recipe for class data, so the process runs the application
	 * itself, once, to the point where the run stops, as a standalone process would.
	 */
	TRAINING;

	/**
	 * The property that makes a process an operator's command.
	 */
	static final String CONTROL_PROPERTY = "cluster.control";

	/**
	 * The property with which Spring Boot ends a training run at a point of its start.
	 */
	static final String CONTEXT_EXIT_PROPERTY = "spring.context.exit";

	/**
	 * Property Spring Boot's test support sets in every environment it prepares.
	 */
	static final String TEST_MARKER = "org.springframework.boot.test.context.SpringBootTestContextBootstrapper";

	/**
	 * Packages of test frameworks: an application started with one of them on the stack
	 * is started from a test, whatever {@code main} method is on the stack too (the test
	 * runner's own, or the application's called by a test).
	 */
	private static final String[] TEST_FRAMEWORKS = { "org.junit.", "org.testng.", "org.springframework.test.",
			"org.springframework.boot.test." };

	/**
	 * Decide the role of this process.
	 * @param environment the prepared environment
	 * @param application the application being run, or {@code null} if unknown
	 * @return the role
	 * @throws org.springframework.boot.context.properties.bind.BindException if
	 * {@code cluster.workers} is malformed
	 */
	static ClusterRole of(Environment environment, @Nullable SpringApplication application) {
		if (environment.containsProperty("cluster.worker.id")) {
			return WORKER;
		}
		if (environment.containsProperty(CONTROL_PROPERTY)) {
			boolean main = !environment.containsProperty(TEST_MARKER) && application != null
					&& isMainApplication(application);
			return main ? CONTROL : STANDALONE;
		}
		WorkerCount workers = Binder.get(environment).bind("cluster.workers", WorkerCount.class).orElse(null);
		if (workers == null || !workers.isClustered()) {
			return STANDALONE;
		}
		if (environment.containsProperty(TEST_MARKER) || application == null || !isMainApplication(application)) {
			return STANDALONE;
		}
		return environment.containsProperty(CONTEXT_EXIT_PROPERTY) ? TRAINING : MASTER;
	}

	/**
	 * Whether {@code application} is the process's main application: its main class's
	 * {@code main} method is running on this thread, and no test framework is. Applications
	 * started from tests, from other applications or from library code are not.
	 */
	private static boolean isMainApplication(SpringApplication application) {
		Class<?> mainClass = application.getMainApplicationClass();
		if (mainClass == null) {
			return false;
		}
		String name = mainClass.getName();
		return StackWalker.getInstance().walk((frames) -> {
			List<StackWalker.StackFrame> stack = frames.toList();
			return stack.stream().noneMatch((frame) -> isTestFramework(frame.getClassName()))
					&& stack.stream()
						.anyMatch((frame) -> frame.getMethodName().equals("main") && frame.getClassName().equals(name));
		});
	}

	private static boolean isTestFramework(String className) {
		for (String prefix : TEST_FRAMEWORKS) {
			if (className.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
