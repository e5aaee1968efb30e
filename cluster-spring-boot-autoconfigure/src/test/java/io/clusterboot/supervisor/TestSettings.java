package io.clusterboot.supervisor;

import java.time.Duration;

import io.clusterboot.supervisor.SupervisorSettings.Recycling;

/**
 * {@link SupervisorSettings} for tests: the {@code cluster.*} defaults, except a backoff
 * that doubles from 100ms up to 1s so that its steps are easy to read, and a message
 * credit of 8. Each test changes only what it is about.
 */
final class TestSettings {

	static final Duration INITIAL_DELAY = Duration.ofMillis(100);

	static final Duration MAX_DELAY = Duration.ofSeconds(1);

	private int workers = 2;

	private int maxWorkers = 8;

	private int spares;

	private int bootConcurrency;

	private Duration shutdownTimeout = Duration.ofSeconds(35);

	private Duration bootTimeout = Duration.ofMinutes(3);

	private Duration hangTimeout = Duration.ofSeconds(30);

	private Duration heartbeatInterval = Duration.ofSeconds(1);

	private int messageCredit = 8;

	private Duration scrapeTimeout = Duration.ofSeconds(2);

	private Duration resetAfter = Duration.ofSeconds(30);

	private int maxBootFailures = 3;

	private Recycling recycling = Recycling.NONE;

	private TestSettings() {
	}

	static TestSettings defaults() {
		return new TestSettings();
	}

	TestSettings workers(int workers) {
		this.workers = workers;
		return this;
	}

	TestSettings maxWorkers(int maxWorkers) {
		this.maxWorkers = maxWorkers;
		return this;
	}

	TestSettings spares(int spares) {
		this.spares = spares;
		return this;
	}

	TestSettings bootConcurrency(int bootConcurrency) {
		this.bootConcurrency = bootConcurrency;
		return this;
	}

	TestSettings shutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
		return this;
	}

	TestSettings bootTimeout(Duration bootTimeout) {
		this.bootTimeout = bootTimeout;
		return this;
	}

	TestSettings hangTimeout(Duration hangTimeout) {
		this.hangTimeout = hangTimeout;
		return this;
	}

	TestSettings messageCredit(int messageCredit) {
		this.messageCredit = messageCredit;
		return this;
	}

	TestSettings scrapeTimeout(Duration scrapeTimeout) {
		this.scrapeTimeout = scrapeTimeout;
		return this;
	}

	TestSettings resetAfter(Duration resetAfter) {
		this.resetAfter = resetAfter;
		return this;
	}

	TestSettings maxBootFailures(int maxBootFailures) {
		this.maxBootFailures = maxBootFailures;
		return this;
	}

	TestSettings recycling(Recycling recycling) {
		this.recycling = recycling;
		return this;
	}

	SupervisorSettings build() {
		return new SupervisorSettings(this.workers, this.maxWorkers, this.spares, this.bootConcurrency,
				this.shutdownTimeout, this.bootTimeout,
				this.hangTimeout, this.heartbeatInterval, this.messageCredit, this.scrapeTimeout,
				new SupervisorSettings.Restart(new RestartBackoff(INITIAL_DELAY, 2, MAX_DELAY), this.resetAfter,
						this.maxBootFailures),
				this.recycling);
	}

}
