package io.clusterboot.supervisor;

import org.junit.jupiter.api.Test;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.internal.ipc.IpcServer;
import io.clusterboot.internal.ipc.MalformedFrameException;
import io.clusterboot.state.OperationOutcome;
import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the channel through which the workers of a {@link ClusterSupervisor} connect,
 * report and ask for operations on the cluster.
 */
class ClusterSupervisorChannelTests {

	@Test
	void aWorkerWithItsSecretIsWelcomedAndOnline() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1).connect();
		cluster.turn();
		assertThat(cluster.info(worker).state()).isEqualTo(WorkerState.ONLINE);
		assertThat(worker.peer().sent(Frames.Welcome.class)).singleElement().satisfies((welcome) -> {
			assertThat(welcome.masterPid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(welcome.heartbeatIntervalMillis()).isEqualTo(1000);
			assertThat(welcome.messageCredit()).isEqualTo(8);
		});
		assertThat(cluster.listener().events()).contains("online worker 1 (pid " + worker.pid() + ")");
	}

	@Test
	void aWorkerLaunchedToWriteClassDataIsToldTheFileWhenWelcomedAndItsReportReachesItsProcess() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1);
		worker.process().askForClassData("/cache/app/0123/jdk17.jsa.1-1.tmp");
		worker.connect();
		cluster.turn();
		assertThat(worker.peer().sent(Frames.Welcome.class)).singleElement()
			.extracting(Frames.Welcome::classDataDump)
			.isEqualTo("/cache/app/0123/jdk17.jsa.1-1.tmp");
		worker.send(new Frames.ClassDataDumped("/elsewhere.jsa", 5, null));
		worker.send(new Frames.ClassDataDumped("/cache/app/0123/jdk17.jsa.1-1.tmp", 2100, null));
		cluster.turn();
		assertThat(worker.process().classDataReports()).containsExactly("2100ms written");
	}

	@Test
	void aWorkerNotLaunchedToWriteClassDataIsAskedForNone() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1).connect();
		cluster.turn();
		assertThat(worker.peer().sent(Frames.Welcome.class)).singleElement()
			.extracting(Frames.Welcome::classDataDump)
			.isNull();
		worker.send(new Frames.ClassDataDumped("/cache/app/0123/jdk17.jsa.1-1.tmp", 2100, null));
		cluster.turn();
		assertThat(worker.process().classDataReports()).isEmpty();
	}

	@Test
	void aReadyWorkerIsListening() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1).connect().listen();
		cluster.turn();
		assertThat(cluster.info(worker).state()).isEqualTo(WorkerState.LISTENING);
		assertThat(cluster.info(worker).port()).isEqualTo(8080);
		assertThat(cluster.listener().events()).contains("listening worker 1 (pid " + worker.pid() + ")");
	}

	@Test
	void aHelloWithAWrongSecretIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1);
		assertThat(hello(cluster, worker.id(), worker.pid(), "guessed")).isNull();
	}

	@Test
	void aHelloWithTheSecretOfAnotherWorkerIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker first = cluster.worker(1);
		TestWorker second = cluster.worker(2);
		assertThat(hello(cluster, second.id(), second.pid(), first.process().secret())).isNull();
		assertThat(hello(cluster, first.id(), second.pid(), first.process().secret())).isNull();
	}

	@Test
	void aSecretIsGoodForOneConnectionOnly() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1).connect();
		assertThat(hello(cluster, worker.id(), worker.pid(), worker.process().secret())).isNull();
	}

	@Test
	void aWorkerThatHasExitedCannotConnect() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1);
		worker.exit(1);
		cluster.turn();
		assertThat(hello(cluster, worker.id(), worker.pid(), worker.process().secret())).isNull();
	}

	@Test
	void aFrameOnlyTheMasterSendsIsRefused() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).start();
		TestWorker worker = cluster.worker(1).connect();
		IpcServer.Handler channel = cluster.supervisor().channel();
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> channel.onFrame(worker.peer(), new Frames.Credit(5)));
	}

	@Test
	void aScaleAskedByAWorkerIsDoneAndAnswered() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker worker = cluster.worker(1);
		worker.send(new Frames.Request(3, Frames.Request.Action.SCALE, null, 3, null, null));
		cluster.turn();
		assertThat(worker.peer().sent(Frames.Reply.class))
			.containsExactly(Frames.Reply.of(3, OperationOutcome.Status.DONE, "Scaling to 3 workers"));
		assertThat(cluster.processes().started()).hasSize(3);
	}

	@Test
	void aRollingRestartAskedByAWorkerIsAccepted() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker worker = cluster.worker(2);
		worker.send(new Frames.Request(4, Frames.Request.Action.RESTART, null, null, null, null));
		cluster.turn();
		assertThat(worker.peer().sent(Frames.Reply.class)).containsExactly(
				Frames.Reply.of(4, OperationOutcome.Status.ACCEPTED, "Rolling restart of 2 workers started"));
		assertThat(cluster.snapshot().rollout().running()).isTrue();
	}

	@Test
	void aReplacementOfAnUnknownWorkerAskedByAWorkerIsNotFound() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker worker = cluster.worker(1);
		worker.send(new Frames.Request(5, Frames.Request.Action.REPLACE, 9, null, null, null));
		cluster.turn();
		assertThat(worker.peer().sent(Frames.Reply.class)).singleElement()
			.extracting(Frames.Reply::status)
			.isEqualTo(OperationOutcome.Status.NOT_FOUND);
	}

	private static Object hello(TestCluster cluster, int workerId, long pid, String secret) {
		return cluster.supervisor().channel().authenticate(new FakePeer(cluster.codec()),
				new Frames.Hello(workerId, pid, secret));
	}

}
