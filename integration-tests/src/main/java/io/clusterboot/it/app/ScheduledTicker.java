package io.clusterboot.it.app;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A {@code @Scheduled} method, on with {@code app.scheduled-tick=true}, that says which
 * process ran it: a spare must never run one before it is promoted.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@ConditionalOnProperty("app.scheduled-tick")
class ScheduledTicker {

	private final long pid = ProcessHandle.current().pid();

	@Scheduled(fixedRate = 200)
	void tick() {
		System.out.println("SCHEDULED-TICK pid=" + this.pid);
	}

}
