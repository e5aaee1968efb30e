package io.clusterboot.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application without a web server ({@code spring.main.web-application-type=none}: a
 * message consumer, a batch) runs as N workers too, like Node workers that never listen:
 * each is ready at {@code ApplicationReadyEvent}, and the port it would have had plays no
 * part.
 */
class NonWebClusterIT extends AbstractClusterIT {

	@Test
	void workersOfANonWebApplicationAreReadyReplacedAndStoppedWithoutAPort() throws IOException {
		try (ServerSocket otherProgram = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			// A port held by another program must not matter to an application that serves none
			this.cluster = ClusterProcess
				.start("--spring.main.web-application-type=none", "--server.port=" + otherProgram.getLocalPort())
				.awaitReady();
			assertThat(this.cluster.awaitOutput("Cluster ready: 2 workers listening, ").group()).doesNotContain("port");
			assertThat(this.cluster.events("listening")).hasSize(2)
				.allSatisfy((event) -> assertThat(event.details()).contains("port=-1"));
			long worker1 = this.cluster.workerPid(1);
			long worker2 = this.cluster.workerPid(2);
			ProcessHandle.of(worker1).ifPresent(ProcessHandle::destroyForcibly);
			long replacement = this.cluster.awaitNewWorker(1, worker1);
			assertThat(replacement).isNotEqualTo(worker1);
			// Nothing but its master ends a worker that has no web server to hold its JVM up
			assertThat(this.cluster.events("exited")).singleElement()
				.satisfies((exited) -> assertThat(exited.pid()).isEqualTo(worker1));
			assertThat(this.cluster.workerPid(2)).isEqualTo(worker2);
			this.cluster.signal(this.cluster.masterPid(), "HUP");
			this.cluster.awaitOutput("Rolling restart complete: 2 replaced");
			assertThat(this.cluster.events("exited")).hasSize(3)
				.filteredOn((exited) -> exited.pid() != worker1)
				.allSatisfy((exited) -> assertThat(exited.detail("planned")).isEqualTo("true"));
			this.cluster.master().destroy();
			assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
		}
	}

}
