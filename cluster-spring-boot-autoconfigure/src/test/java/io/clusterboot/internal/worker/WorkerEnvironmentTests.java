package io.clusterboot.internal.worker;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link WorkerEnvironment}.
 */
class WorkerEnvironmentTests {

	@Test
	void processWithoutWorkerIdIsNoWorker() {
		assertThat(WorkerEnvironment.from(Map.of("PATH", "/usr/bin"))).isNull();
		assertThat(WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, " "))).isNull();
	}

	@Test
	void workerStartedByAMasterHasEverything() {
		WorkerEnvironment environment = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "2",
				WorkerEnvironment.MASTER_PID, "1234", WorkerEnvironment.MASTER_SOCKET, "/tmp/cluster-1/master.sock",
				WorkerEnvironment.MASTER_SECRET, "s3cret", WorkerEnvironment.MASTER_PORT, "8080"));
		assertThat(environment).isEqualTo(
				new WorkerEnvironment(2, 1234, Path.of("/tmp/cluster-1/master.sock"), "s3cret", 8080, null));
		assertThat(environment.hasMaster()).isTrue();
	}

	@Test
	void workerStartedByHandHasNoMaster() {
		WorkerEnvironment environment = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1"));
		assertThat(environment).isEqualTo(new WorkerEnvironment(1, -1, null, null, null, null));
		assertThat(environment.hasMaster()).isFalse();
	}

	@Test
	void workerWithASocketButNoSecretHasNoMaster() {
		WorkerEnvironment environment = WorkerEnvironment.from(
				Map.of(WorkerEnvironment.WORKER_ID, "1", WorkerEnvironment.MASTER_SOCKET, "/tmp/m.sock"));
		assertThat(environment.hasMaster()).isFalse();
	}

	@Test
	void malformedVariableIsNamed() {
		assertThatIllegalStateException()
			.isThrownBy(() -> WorkerEnvironment
				.from(Map.of(WorkerEnvironment.WORKER_ID, "1", WorkerEnvironment.MASTER_PORT, "http")))
			.withMessage("CLUSTER_MASTER_PORT='http' is not a number");
	}

}
