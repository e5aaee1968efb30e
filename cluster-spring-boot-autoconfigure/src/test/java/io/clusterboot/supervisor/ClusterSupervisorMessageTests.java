package io.clusterboot.supervisor;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.state.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the user messages that go through a {@link ClusterSupervisor}: to the master,
 * from worker to worker, and to every worker.
 */
class ClusterSupervisorMessageTests {

	private static final JsonNode PAYLOAD = JsonNodeFactory.instance.objectNode().put("evict", "user:42");

	@Test
	void aMessageToTheMasterReachesTheListenerWithoutASupervisorTurn() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker worker = cluster.worker(2);
		worker.send(new Frames.Message(2, Frames.MASTER, PAYLOAD));
		assertThat(cluster.listener().messages()).singleElement().satisfies((received) -> {
			assertThat(received.worker().id()).isEqualTo(2);
			assertThat(received.worker().pid()).isEqualTo(worker.pid());
			assertThat(received.payload()).isEqualTo(PAYLOAD);
		});
	}

	@Test
	void aWorkerGetsNoCreditBackWhileTheListenerHasNotDeliveredItsMessages() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().messageCredit(8)).startServing();
		cluster.listener().holdMessages();
		TestWorker worker = cluster.worker(1);
		assertThat(worker.peer().sent(Frames.Welcome.class)).singleElement()
			.extracting(Frames.Welcome::messageCredit)
			.isEqualTo(8);
		sendToMaster(worker, 8);
		cluster.turn();
		assertThat(cluster.listener().messages()).hasSize(8);
		assertThat(worker.peer().sent(Frames.Credit.class)).isEmpty();
	}

	@Test
	void heartbeatsAndDeadlinesGoOnWhileTheListenerHasNotDeliveredMessages() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().messageCredit(8)).startServing();
		cluster.listener().holdMessages();
		TestWorker talker = cluster.worker(1);
		TestWorker silent = cluster.worker(2);
		sendToMaster(talker, 8);
		for (int second = 1; second <= 31; second++) {
			cluster.clock().advance(Duration.ofSeconds(1));
			talker.heartbeat(Heartbeats.served(second));
			cluster.turn();
		}
		assertThat(cluster.info(talker).stats().requests()).isEqualTo(31);
		assertThat(cluster.info(talker).lastHeartbeatAt()).isEqualTo(cluster.clock().now());
		assertThat(talker.process().threadDumps()).isZero();
		assertThat(silent.process().threadDumps()).as("the silent worker is found hung").isOne();
		assertThat(talker.peer().sent(Frames.Credit.class)).isEmpty();
	}

	@Test
	void creditComesBackOnceTheListenerHasDeliveredTheMessages() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().messageCredit(8)).startServing();
		cluster.listener().holdMessages();
		TestWorker worker = cluster.worker(1);
		sendToMaster(worker, 8);
		cluster.listener().messages().forEach((received) -> received.delivered().run());
		assertThat(worker.peer().sent(Frames.Credit.class)).extracting(Frames.Credit::messages)
			.containsExactly(2, 2, 2, 2);
	}

	@Test
	void aMessageToAnotherWorkerIsRelayedToIt() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		cluster.worker(1).send(new Frames.Message(1, 3, PAYLOAD));
		assertThat(cluster.worker(3).peer().sent(Frames.Message.class))
			.containsExactly(new Frames.Message(1, 3, PAYLOAD));
		assertThat(cluster.worker(2).peer().sent(Frames.Message.class)).isEmpty();
		assertThat(cluster.listener().messages()).isEmpty();
	}

	@Test
	void relayedMessagesReturnTheirCreditAtOnce() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().messageCredit(8)).startServing();
		cluster.listener().holdMessages();
		TestWorker worker = cluster.worker(1);
		for (int i = 0; i < 8; i++) {
			worker.send(new Frames.Message(1, 2, PAYLOAD));
		}
		assertThat(worker.peer().sent(Frames.Credit.class)).extracting(Frames.Credit::messages)
			.containsExactly(2, 2, 2, 2);
	}

	@Test
	void aBroadcastReachesEveryWorkerTheSenderIncludedEncodedOnce() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		cluster.worker(2).send(new Frames.Message(2, Frames.ALL_WORKERS, PAYLOAD));
		ByteBuffer first = lastEncoded(cluster.worker(1));
		for (TestWorker worker : cluster.workers()) {
			assertThat(worker.peer().sent(Frames.Message.class))
				.containsExactly(new Frames.Message(2, Frames.ALL_WORKERS, PAYLOAD));
			assertThat(lastEncoded(worker).array()).as("one encoding for all").isSameAs(first.array());
		}
	}

	@Test
	void aBroadcastFromTheMasterReachesEveryServingWorker() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		assertThat(cluster.supervisor().sendToAll(PAYLOAD)).isEqualTo(3);
		assertThat(cluster.workers()).allSatisfy((worker) -> assertThat(worker.peer().sent(Frames.Message.class))
			.containsExactly(new Frames.Message(Frames.MASTER, Frames.ALL_WORKERS, PAYLOAD)));
	}

	@Test
	void aRelayToAWorkerThatRefusesCountsAsDropped() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.worker(2).peer().refuse();
		cluster.worker(1).send(new Frames.Message(1, 2, PAYLOAD));
		cluster.turn();
		assertThat(cluster.snapshot().counters().messagesDropped()).isOne();
		assertThat(cluster.info(cluster.worker(2)).state()).isEqualTo(WorkerState.LISTENING);
	}

	@Test
	void aMessageToAWorkerThatHasExitedIsNotSent() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		cluster.worker(2).exit(1);
		cluster.turn();
		assertThat(cluster.supervisor().send(2, PAYLOAD)).isFalse();
		assertThat(cluster.supervisor().send(1, PAYLOAD)).isTrue();
	}

	@Test
	void messagesForAWorkerThatExitedBeforeItsChannelClosedAreNotCountedAsDropped() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker gone = cluster.worker(2);
		gone.exit(1);
		cluster.turn();
		gone.closeChannel();
		cluster.turn();
		assertThat(cluster.supervisor().sendToAll(PAYLOAD)).isOne();
		assertThat(cluster.supervisor().send(2, PAYLOAD)).isFalse();
		cluster.worker(1).send(new Frames.Message(1, 2, PAYLOAD));
		cluster.turn();
		assertThat(cluster.snapshot().counters().messagesDropped()).isZero();
	}

	@Test
	void messagesToTheMasterAreCounted() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		sendToMaster(cluster.worker(1), 3);
		cluster.turn();
		assertThat(cluster.snapshot().counters().messages()).isEqualTo(3);
	}

	private static void sendToMaster(TestWorker worker, int count) {
		for (int i = 0; i < count; i++) {
			worker.send(new Frames.Message(worker.id(), Frames.MASTER, PAYLOAD));
		}
	}

	private static ByteBuffer lastEncoded(TestWorker worker) {
		List<ByteBuffer> encoded = worker.peer().sentEncoded();
		return encoded.get(encoded.size() - 1);
	}

}
