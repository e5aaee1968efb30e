package io.clusterboot.supervisor;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.clusterboot.internal.ipc.Frames;
import io.clusterboot.state.OperationOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the scrapes of every other worker that a worker asks {@link ClusterSupervisor}
 * to gather.
 */
class ClusterSupervisorScrapeTests {

	private static final long REQUEST_ID = 7;

	@Test
	void aScrapeRequestAsksTheServingWorkerOfEveryOtherSlot() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		requestScrape(cluster.worker(1));
		cluster.turn();
		assertThat(cluster.worker(1).peer().sent(Frames.Request.class)).isEmpty();
		for (int id = 2; id <= 3; id++) {
			assertThat(cluster.worker(id).peer().sent(Frames.Request.class)).singleElement().satisfies((request) -> {
				assertThat(request.action()).isEqualTo(Frames.Request.Action.SCRAPE);
				assertThat(request.format()).isEqualTo("text/plain;version=0.0.4");
				assertThat(request.names()).containsExactly("jvm_threads_live_threads");
			});
		}
	}

	@Test
	void aScrapeIsAnsweredOneWorkerPerPieceThenClosed() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		TestWorker requester = cluster.worker(1);
		requestScrape(requester);
		cluster.turn();
		answerScrape(cluster.worker(3));
		cluster.turn();
		assertThat(replies(requester)).containsExactly(piece(3));
		answerScrape(cluster.worker(2));
		cluster.turn();
		assertThat(replies(requester)).containsExactly(piece(3), piece(2),
				new Frames.Reply(REQUEST_ID, OperationOutcome.Status.DONE, null, Map.of(), false));
	}

	@Test
	void aWorkerThatDoesNotAnswerInTimeIsListedAsMissing() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		TestWorker requester = cluster.worker(1);
		requestScrape(requester);
		cluster.turn();
		answerScrape(cluster.worker(2));
		cluster.advance(Duration.ofSeconds(2).minusMillis(1));
		assertThat(replies(requester)).containsExactly(piece(2));
		cluster.advance(Duration.ofMillis(1));
		assertThat(replies(requester)).containsExactly(piece(2), new Frames.Reply(REQUEST_ID,
				OperationOutcome.Status.DONE, "no answer in time from workers [3]", missing(3), false));
	}

	@Test
	void aWorkerThatExitsBeforeAnsweringIsListedAsMissing() {
		TestCluster cluster = new TestCluster(TestSettings.defaults().workers(3)).startServing();
		TestWorker requester = cluster.worker(1);
		requestScrape(requester);
		cluster.turn();
		answerScrape(cluster.worker(2));
		cluster.worker(3).exit(137);
		cluster.turn();
		assertThat(replies(requester)).containsExactly(piece(2),
				new Frames.Reply(REQUEST_ID, OperationOutcome.Status.DONE, null, missing(3), false));
	}

	@Test
	void theRequestersOwnSlotIsNeverAsked() {
		TestCluster cluster = new TestCluster(TestSettings.defaults()).startServing();
		TestWorker old = cluster.worker(1);
		cluster.complete(cluster.supervisor().restart(1));
		TestWorker replacement = cluster.worker(1).connect();
		cluster.turn();
		requestScrape(replacement);
		cluster.turn();
		assertThat(old.peer().sent(Frames.Request.class)).isEmpty();
		assertThat(cluster.worker(2).peer().sent(Frames.Request.class)).hasSize(1);
		answerScrape(cluster.worker(2));
		cluster.turn();
		assertThat(replies(replacement)).containsExactly(piece(2),
				new Frames.Reply(REQUEST_ID, OperationOutcome.Status.DONE, null, Map.of(), false));
	}

	private static void requestScrape(TestWorker worker) {
		worker.send(new Frames.Request(REQUEST_ID, Frames.Request.Action.SCRAPE, null, null,
				"text/plain;version=0.0.4", Set.of("jvm_threads_live_threads")));
	}

	/**
	 * Answer the master's scrape request as a worker does.
	 */
	private static void answerScrape(TestWorker worker) {
		Frames.Request request = worker.peer().sent(Frames.Request.class).get(0);
		worker.send(new Frames.Reply(request.id(), OperationOutcome.Status.DONE, null,
				Map.of(worker.id(), text(worker.id())), false));
	}

	private static List<Frames.Reply> replies(TestWorker requester) {
		return requester.peer().sent(Frames.Reply.class);
	}

	private static Frames.Reply piece(int workerId) {
		return new Frames.Reply(REQUEST_ID, OperationOutcome.Status.ACCEPTED, null,
				Map.of(workerId, text(workerId)), true);
	}

	private static Map<Integer, String> missing(int workerId) {
		return Collections.singletonMap(workerId, null);
	}

	private static String text(int workerId) {
		return "jvm_threads_live_threads{worker=\"" + workerId + "\"} 42.0\n";
	}

}
