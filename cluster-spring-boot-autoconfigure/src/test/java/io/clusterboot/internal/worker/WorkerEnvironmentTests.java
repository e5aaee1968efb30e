package io.clusterboot.internal.worker;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.clusterboot.server.PortSharing;

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

	@Test
	void withoutPortSharingAWorkerSharesThePortWithReusePort() {
		WorkerEnvironment environment = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1",
				WorkerEnvironment.MASTER_PORT, "8080", WorkerEnvironment.PROXY_PROTOCOL, "true"));
		assertThat(environment.portSharing()).isEqualTo(PortSharing.REUSEPORT);
		assertThat(environment.proxyProtocol()).isFalse();
		assertThat(environment.port()).isEqualTo(8080);
	}

	@Test
	void reusePortIsReadLikeTheDefault() {
		WorkerEnvironment environment = WorkerEnvironment
			.from(Map.of(WorkerEnvironment.WORKER_ID, "1", WorkerEnvironment.PORT_SHARING, "reuseport"));
		assertThat(environment).isEqualTo(new WorkerEnvironment(1, -1, null, null, null, null));
	}

	@Test
	void proxyModeWithAHeader() {
		WorkerEnvironment environment = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "3",
				WorkerEnvironment.PORT_SHARING, "proxy", WorkerEnvironment.PROXY_PROTOCOL, "true"));
		assertThat(environment)
			.isEqualTo(new WorkerEnvironment(3, -1, null, null, null, null, PortSharing.PROXY, true));
	}

	@Test
	void proxyModeWithoutAHeader() {
		WorkerEnvironment environment = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "3",
				WorkerEnvironment.PORT_SHARING, "PROXY", WorkerEnvironment.PROXY_PROTOCOL, " False "));
		assertThat(environment.portSharing()).isEqualTo(PortSharing.PROXY);
		assertThat(environment.proxyProtocol()).isFalse();
	}

	@Test
	void proxyModeExpectsAHeaderUnlessToldOtherwise() {
		WorkerEnvironment environment = WorkerEnvironment
			.from(Map.of(WorkerEnvironment.WORKER_ID, "3", WorkerEnvironment.PORT_SHARING, "proxy"));
		assertThat(environment.proxyProtocol()).isTrue();
	}

	@Test
	void unknownPortSharingIsNamed() {
		assertThatIllegalStateException()
			.isThrownBy(() -> WorkerEnvironment
				.from(Map.of(WorkerEnvironment.WORKER_ID, "1", WorkerEnvironment.PORT_SHARING, "nginx")))
			.withMessage("CLUSTER_PORT_SHARING='nginx' is not one of reuseport, proxy");
	}

	@Test
	void malformedProxyProtocolIsNamed() {
		assertThatIllegalStateException()
			.isThrownBy(() -> WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1",
					WorkerEnvironment.PORT_SHARING, "proxy", WorkerEnvironment.PROXY_PROTOCOL, "yes")))
			.withMessage("CLUSTER_PROXY_PROTOCOL='yes' is neither true nor false");
	}

}
