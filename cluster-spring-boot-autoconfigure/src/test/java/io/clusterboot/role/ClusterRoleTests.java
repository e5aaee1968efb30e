package io.clusterboot.role;

import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClusterRole}.
 */
class ClusterRoleTests {

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void workerIdMakesAWorker() throws Exception {
		this.environment.setProperty("cluster.worker.id", "1");
		this.environment.setProperty("cluster.workers", "2");
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.WORKER);
		assertThat(ClusterRole.isWorker(this.environment)).isTrue();
	}

	@Test
	void noWorkerCountMakesAStandaloneProcess() throws Exception {
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.STANDALONE);
		assertThat(ClusterRole.isWorker(this.environment)).isFalse();
	}

	@Test
	void zeroWorkersMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "0");
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void mainApplicationStartedFromItsMainMethodIsTheMaster() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.MASTER);
	}

	@Test
	void autoWorkerCountMakesTheMainApplicationTheMaster() throws Exception {
		this.environment.setProperty("cluster.workers", "auto");
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.MASTER);
	}

	@Test
	void springBootTestEnvironmentMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		this.environment.setProperty(ClusterRole.TEST_MARKER, "true");
		assertThat(onOwnThread(() -> Launcher.main(this.environment))).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void unknownApplicationMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(onOwnThread(() -> ClusterRole.of(this.environment, null))).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void applicationWhoseMainClassIsNotRunningMainMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(onOwnThread(() -> {
			SpringApplication application = new SpringApplication(Launcher.class);
			application.setMainApplicationClass(Launcher.class);
			return ClusterRole.of(this.environment, application);
		})).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void mainMethodCalledFromATestMakesAStandaloneProcess() {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(Launcher.main(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void applicationStartedFromATestMakesAStandaloneProcess() {
		this.environment.setProperty("cluster.workers", "2");
		// Its main class is deduced from the first main method on the stack: the test
		// runner's, when the tests run on the runner's main thread
		SpringApplication application = new SpringApplication(Launcher.class);
		assertThat(ClusterRole.of(this.environment, application)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void malformedWorkerCountFailsNamingTheProperty() {
		this.environment.setProperty("cluster.workers", "lots");
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> ClusterRole.of(this.environment, null))
			.withMessageContaining("cluster.workers")
			.havingRootCause()
			.withMessageContaining("'lots' is not a number of workers");
	}

	/**
	 * Run an action on a thread of its own, whose stack holds nothing but the action: the
	 * way {@code main} runs in an application's JVM.
	 */
	private static ClusterRole onOwnThread(Callable<ClusterRole> action) throws Exception {
		FutureTask<ClusterRole> task = new FutureTask<>(action);
		Thread thread = new Thread(task, "main-like");
		thread.start();
		return task.get(10, TimeUnit.SECONDS);
	}

	/**
	 * Stands for an application's main class.
	 */
	static final class Launcher {

		private Launcher() {
		}

		/**
		 * Create the application the way {@code SpringApplication.run} does from a main
		 * method, and decide its role.
		 */
		static ClusterRole main(Environment environment) {
			return ClusterRole.of(environment, new SpringApplication(Launcher.class));
		}

	}

}
