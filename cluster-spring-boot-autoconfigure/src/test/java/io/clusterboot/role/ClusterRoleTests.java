package io.clusterboot.role;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindException;
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
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.WORKER);
	}

	@Test
	void noWorkerCountMakesAStandaloneProcess() throws Exception {
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void zeroWorkersMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "0");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void mainApplicationStartedFromItsMainMethodIsTheMaster() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.MASTER);
	}

	@Test
	void autoWorkerCountMakesTheMainApplicationTheMaster() throws Exception {
		this.environment.setProperty("cluster.workers", "auto");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.MASTER);
	}

	@Test
	void contextExitMakesTheMainApplicationATrainingRun() throws Exception {
		this.environment.setProperty("cluster.workers", "auto");
		this.environment.setProperty("spring.context.exit", "onRefresh");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.TRAINING);
		this.environment.setProperty("cluster.workers", "0");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void controlPropertyMakesAnOperatorsCommandWhateverTheWorkerCount() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		this.environment.setProperty("cluster.control", "status");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.CONTROL);
		this.environment.setProperty("cluster.workers", "0");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.CONTROL);
	}

	@Test
	void controlPropertyDoesNotMakeAWorkerACommand() throws Exception {
		this.environment.setProperty("cluster.worker.id", "1");
		this.environment.setProperty("cluster.control", "stop");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.WORKER);
	}

	@Test
	void controlPropertyInATestMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.control", "stop");
		this.environment.setProperty(ClusterRole.TEST_MARKER, "true");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void springBootTestEnvironmentMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		this.environment.setProperty(ClusterRole.TEST_MARKER, "true");
		assertThat(MainMethod.roleOnOwnThread(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void unknownApplicationMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(MainMethod.onOwnThread(() -> ClusterRole.of(this.environment, null)))
			.isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void applicationWhoseMainClassIsNotRunningMainMakesAStandaloneProcess() throws Exception {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(MainMethod.onOwnThread(() -> {
			SpringApplication application = new SpringApplication(MainMethod.class);
			application.setMainApplicationClass(MainMethod.class);
			return ClusterRole.of(this.environment, application);
		})).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void mainMethodCalledFromATestMakesAStandaloneProcess() {
		this.environment.setProperty("cluster.workers", "2");
		assertThat(MainMethod.main(this.environment)).isEqualTo(ClusterRole.STANDALONE);
	}

	@Test
	void applicationStartedFromATestMakesAStandaloneProcess() {
		this.environment.setProperty("cluster.workers", "2");
		// Its main class is deduced from the first main method on the stack: the test
		// runner's, when the tests run on the runner's main thread
		SpringApplication application = new SpringApplication(MainMethod.class);
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

}
