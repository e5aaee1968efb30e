package io.clusterboot.role;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import io.clusterboot.internal.worker.WorkerEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the properties {@link ClusterRoleApplicationListener} gives a worker from its
 * master's environment variables.
 */
class ClusterRoleWorkerPropertiesTests {

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void reusePortWorkerBindsTheMastersPorts() {
		WorkerEnvironment worker = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1",
				WorkerEnvironment.MASTER_PORT, "8080", WorkerEnvironment.MASTER_MANAGEMENT_PORT, "8081"));
		assertThat(ClusterRoleApplicationListener.workerProperties(worker, this.environment))
			.containsExactlyInAnyOrderEntriesOf(Map.of("cluster.worker.id", 1, "cluster.worker.port-sharing",
					"reuseport", "cluster.worker.proxy-protocol", false, "server.port", 8080, "management.server.port",
					8081));
	}

	@Test
	void proxyModeWorkerBindsAPortOfTheKernelsChoiceOnLoopback() {
		this.environment.setProperty("server.port", "9000");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.containsExactlyInAnyOrderEntriesOf(Map.of("cluster.worker.id", 1, "cluster.worker.port-sharing", "proxy",
					"cluster.worker.proxy-protocol", true, "server.address", "127.0.0.1", "server.port", 0));
	}

	@Test
	void proxyModeWorkerWithoutAHeader() {
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("false"), this.environment))
			.containsEntry("cluster.worker.proxy-protocol", false);
	}

	@Test
	void proxyModeWorkerBindsASeparateManagementServerOnLoopbackToo() {
		this.environment.setProperty("server.port", "9000");
		this.environment.setProperty("management.server.port", "9001");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.containsEntry("server.address", "127.0.0.1")
			.containsEntry("server.port", 0)
			.containsEntry("management.server.address", "127.0.0.1")
			.containsEntry("management.server.port", 0);
	}

	@Test
	void proxyModeWorkerWithTheManagementServerOnTheApplicationsPort() {
		this.environment.setProperty("server.port", "9000");
		this.environment.setProperty("management.server.port", "9000");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.doesNotContainKeys("management.server.address", "management.server.port");
	}

	@Test
	void proxyModeWorkerWithTheManagementServerOnTheDefaultPort() {
		this.environment.setProperty("management.server.port", "8080");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.doesNotContainKeys("management.server.address", "management.server.port");
	}

	@Test
	void proxyModeWorkerWithManagementDisabled() {
		this.environment.setProperty("management.server.port", "-1");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.doesNotContainKeys("management.server.address", "management.server.port");
	}

	@Test
	void proxyModeKeepsAnHttpServerTurnedOff() {
		this.environment.setProperty("server.port", "-1");
		assertThat(ClusterRoleApplicationListener.workerProperties(proxy("true"), this.environment))
			.doesNotContainKeys("server.address", "server.port");
	}

	@Test
	void proxyModeIgnoresAPortFromTheMaster() {
		WorkerEnvironment worker = WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1",
				WorkerEnvironment.PORT_SHARING, "proxy", WorkerEnvironment.MASTER_PORT, "8080"));
		assertThat(ClusterRoleApplicationListener.workerProperties(worker, this.environment))
			.containsEntry("server.port", 0);
	}

	private static WorkerEnvironment proxy(String proxyProtocol) {
		return WorkerEnvironment.from(Map.of(WorkerEnvironment.WORKER_ID, "1", WorkerEnvironment.PORT_SHARING,
				"proxy", WorkerEnvironment.PROXY_PROTOCOL, proxyProtocol));
	}

}
