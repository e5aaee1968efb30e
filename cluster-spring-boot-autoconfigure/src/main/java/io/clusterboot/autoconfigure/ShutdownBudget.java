package io.clusterboot.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The time a stopping worker may take, added up from the settings that bound each part of
 * it, against {@code cluster.shutdown-timeout}, after which the master kills it. A worker
 * drains off the port first ({@code cluster.worker.drain.timeout}, cut short by Spring's
 * {@code spring.lifecycle.timeout-per-shutdown-phase} like every lifecycle phase), then
 * Spring Boot's graceful shutdown waits for the requests in progress (up to another phase
 * timeout), then the context closes and the JVM exits.
 */
final class ShutdownBudget {

	/**
	 * Time left for destroying beans and leaving the JVM once the lifecycle has stopped.
	 */
	static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

	private static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

	private final Duration drain;

	private final Duration phase;

	ShutdownBudget(Duration drain, Duration phase) {
		this.drain = drain;
		this.phase = phase;
	}

	static ShutdownBudget of(ClusterProperties properties, Environment environment) {
		Binder binder = Binder.get(environment);
		Duration phase = binder.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_PHASE_TIMEOUT);
		boolean graceful = !"immediate".equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful"));
		boolean web = !"none".equalsIgnoreCase(environment.getProperty("spring.main.web-application-type", ""));
		ClusterProperties.Worker.Drain drain = properties.getWorker().getDrain();
		return new ShutdownBudget((web && graceful && drain.isEnabled()) ? drain.getTimeout() : Duration.ZERO, phase);
	}

	/**
	 * The longest a stopping worker may take: its drain, cut short by the phase timeout,
	 * one more phase for the graceful shutdown and the lifecycle's other beans, and the
	 * exit.
	 * @return the time
	 */
	Duration needed() {
		Duration drain = (this.drain.compareTo(this.phase) < 0) ? this.drain : this.phase;
		return drain.plus(this.phase).plus(EXIT_MARGIN);
	}

	/**
	 * The time the master gives a stopping worker.
	 * @param configured {@code cluster.shutdown-timeout}, or {@code null} if not set
	 * @return the configured time, or else the time a worker may need
	 */
	Duration resolve(@Nullable Duration configured) {
		return (configured != null) ? configured : needed();
	}

	/**
	 * What to tell the user when the configured time does not cover what a worker may
	 * take.
	 * @param configured {@code cluster.shutdown-timeout}, or {@code null} if not set
	 * @return a warning, or {@code null} if the budget adds up
	 */
	@Nullable String check(@Nullable Duration configured) {
		Duration needed = needed();
		if (configured == null || configured.compareTo(needed) >= 0) {
			return null;
		}
		Duration drain = (this.drain.compareTo(this.phase) < 0) ? this.drain : this.phase;
		String draining = drain.isZero() ? ""
				: "up to " + seconds(drain) + " draining off the port (cluster.worker.drain.timeout), ";
		return "cluster.shutdown-timeout=" + seconds(configured) + " is shorter than what a stopping worker may "
				+ "take: " + draining + "up to " + seconds(this.phase)
				+ " of graceful shutdown (spring.lifecycle.timeout-per-shutdown-phase) and " + seconds(EXIT_MARGIN)
				+ " to exit, " + seconds(needed) + " in all; a worker still busy then is killed, and its requests "
				+ "with it. Set cluster.shutdown-timeout to at least " + seconds(needed)
				+ " (or leave it unset: it then adds these up itself), or lower the others";
	}

	private static String seconds(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

}
