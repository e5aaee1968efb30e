package io.clusterboot.it;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ClusterSupervisor} bean driven from a {@code @ClusterMaster} bean: scale,
 * fork, replace one worker, stop.
 */
class ClusterControlIT extends AbstractClusterIT {

	@Test
	void scaleUpForkAndScaleDownChangeTheRealProcesses() {
		this.cluster = ClusterProcess.start().awaitReady();
		this.cluster.postTo(1, "/send/master?text=scale:3");
		this.cluster.awaitOutput("CLUSTER-EVENT type=listening worker=3 ");
		assertThat(this.cluster.workerProcesses()).hasSize(3);
		this.cluster.postTo(1, "/send/master?text=fork");
		this.cluster.awaitOutput("CLUSTER-CONTROL forked 4");
		this.cluster.awaitOutput("CLUSTER-EVENT type=listening worker=4 ");
		this.cluster.postTo(1, "/send/master?text=scale:1");
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.cluster.workerProcesses()).hasSize(1));
		assertThat(this.cluster.events("exited")).hasSize(3)
			.allSatisfy((event) -> assertThat(event.detail("cause")).isEqualTo("STOPPED"))
			.extracting(ClusterProcess.Event::workerId)
			.containsExactlyInAnyOrder(2, 3, 4);
		assertThat(this.cluster.answeringWorkers(20)).containsOnlyKeys(1);
	}

	@Test
	void restartingOneWorkerStartsItsReplacementBeforeTheOldOneLeaves() {
		this.cluster = ClusterProcess.start().awaitReady();
		long old = this.cluster.workerPid(2);
		this.cluster.postTo(1, "/send/master?text=restart:2");
		long replacement = this.cluster.awaitNewWorker(2, old);
		this.cluster.awaitOutput("type=exited worker=2 pid=" + old);
		int listening = indexOf("listening", replacement);
		int oldDisconnected = indexOf("disconnected", old);
		assertThat(listening).isLessThan(oldDisconnected);
		ClusterProcess.Event exited = this.cluster.events().get(indexOf("exited", old));
		assertThat(exited.detail("cause")).isEqualTo("STOPPED");
		assertThat(exited.detail("planned")).isEqualTo("true");
	}

	@Test
	void stoppingTheClusterFromAMasterBeanEndsTheMaster() {
		this.cluster = ClusterProcess.start().awaitReady();
		this.cluster.postTo(2, "/send/master?text=stop");
		assertThat(this.cluster.awaitExit(Duration.ofSeconds(60))).isZero();
	}

	private int indexOf(String type, long pid) {
		var events = this.cluster.events();
		for (int i = 0; i < events.size(); i++) {
			if (events.get(i).type().equals(type) && events.get(i).pid() == pid) {
				return i;
			}
		}
		throw new AssertionError("No " + type + " event for pid " + pid);
	}

}
