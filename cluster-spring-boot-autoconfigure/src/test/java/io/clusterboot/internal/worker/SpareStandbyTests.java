package io.clusterboot.internal.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A spare's refresh waits before any lifecycle bean starts, carries on when it is
 * promoted, and closes its context without starting anything when it is stopped.
 */
class SpareStandbyTests {

	private final List<String> happened = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Integer> promotion = new CompletableFuture<>();

	private final GenericApplicationContext context = new GenericApplicationContext();

	private Thread refresh;

	@AfterEach
	void stopRefresh() throws InterruptedException {
		if (this.refresh != null && this.refresh.isAlive()) {
			this.promotion.complete(9);
			this.refresh.join(5000);
		}
	}

	@Test
	void nothingStartsUntilTheSpareIsPromoted() throws InterruptedException {
		refreshInBackground();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.happened.contains("standing by"));
		Thread.sleep(100);
		assertThat(this.happened).containsExactly("standing by");
		assertThat(this.refresh.getState()).isEqualTo(Thread.State.WAITING);
		this.promotion.complete(2);
		this.refresh.join(5000);
		assertThat(this.happened).containsExactly("standing by", "promoted to 2", "web server started",
				"context refreshed");
	}

	@Test
	void aSpareInterruptedWhileItWaitsClosesItsContextAndHaltsWithoutStartingAnything()
			throws InterruptedException {
		refreshInBackground();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.happened.contains("standing by"));
		// What Spring's shutdown hook does to a refresh thread that waits
		this.refresh.interrupt();
		this.refresh.join(5000);
		assertThat(this.happened).containsExactly("standing by", "bean destroyed", "halt 0");
		assertThat(this.context.isActive()).isFalse();
	}

	@Test
	void aSpareThatLosesItsMasterClosesItsContextAndHalts() throws InterruptedException {
		refreshInBackground();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.happened.contains("standing by"));
		this.promotion.completeExceptionally(new IllegalStateException("it lost its master"));
		this.refresh.join(5000);
		assertThat(this.happened).containsExactly("standing by", "bean destroyed", "halt 0");
	}

	private void refreshInBackground() {
		this.context.registerBean("standby", SpareStandby.class,
				() -> new SpareStandby(this.context, this.promotion, () -> this.happened.add("standing by"),
						(id) -> this.happened.add("promoted to " + id), (code) -> this.happened.add("halt " + code)));
		this.context.registerBean("webServer", FakeWebServer.class, () -> new FakeWebServer(this.happened));
		this.context.registerBean("pool", DisposableBean.class, () -> () -> this.happened.add("bean destroyed"));
		this.context.addApplicationListener((ContextRefreshedEvent event) -> this.happened.add("context refreshed"));
		this.refresh = new Thread(() -> {
			try {
				this.context.refresh();
			}
			catch (RuntimeException ex) {
				// A stopped spare's refresh fails once its test halt has returned
			}
		}, "refresh");
		this.refresh.start();
	}

	static final class FakeWebServer implements SmartLifecycle {

		private final List<String> happened;

		private volatile boolean running;

		FakeWebServer(List<String> happened) {
			this.happened = happened;
		}

		@Override
		public void start() {
			this.running = true;
			this.happened.add("web server started");
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

}
