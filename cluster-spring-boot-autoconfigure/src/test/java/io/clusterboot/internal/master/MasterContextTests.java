package io.clusterboot.internal.master;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link MasterContext}.
 */
class MasterContextTests {

	@Test
	void eventsPublishedBeforeTheContextIsRefreshedReachItsListenersInOrder() throws Exception {
		MasterContext master = new MasterContext();
		List<Object> received = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
			master.publishEvent("forked");
			master.publishEvent("online");
		});
		Thread.sleep(100);
		assertThat(publishing).isNotDone();
		CountDownLatch refreshing = new CountDownLatch(1);
		master.start(() -> {
			awaitQuietly(refreshing);
			GenericApplicationContext context = new GenericApplicationContext();
			context.addApplicationListener((ApplicationListener<PayloadApplicationEvent<String>>) (event) -> received
				.add(event.getPayload()));
			context.refresh();
			return context;
		}, (ex) -> {
		});
		refreshing.countDown();
		publishing.get(10, TimeUnit.SECONDS);
		assertThat(received).containsExactly("forked", "online");
		master.close();
	}

	@Test
	void aContextThatFailsToStartIsReportedAndItsEventsAreDropped() throws Exception {
		MasterContext master = new MasterContext();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch failed = new CountDownLatch(1);
		master.start(() -> {
			throw new IllegalStateException("master bean failed");
		}, (ex) -> {
			failure.set(ex);
			failed.countDown();
		});
		assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(failure.get()).hasMessage("master bean failed");
		master.publishEvent("forked");
		assertThatIllegalStateException().isThrownBy(master::rethrowFailure).withMessage("master bean failed");
		master.close();
	}

	@Test
	void closingAContextThatNeverStartedReleasesWaitingEvents() throws Exception {
		MasterContext master = new MasterContext();
		CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> master.publishEvent("forked"));
		master.close();
		publishing.get(10, TimeUnit.SECONDS);
		master.rethrowFailure();
	}

	@Test
	void closeWaitsForTheContextBeingBuiltAndClosesIt() {
		MasterContext master = new MasterContext();
		GenericApplicationContext context = new GenericApplicationContext();
		master.start(() -> {
			sleepQuietly(Duration.ofMillis(200));
			context.refresh();
			return context;
		}, (ex) -> {
		});
		master.close();
		assertThat(context.isActive()).isFalse();
		assertThat(context.isClosed()).isTrue();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void sleepQuietly(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
