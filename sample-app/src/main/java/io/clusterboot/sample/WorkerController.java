package io.clusterboot.sample;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which worker answered: {@code GET /} at once, {@code GET /work} after about a
 * millisecond of CPU work (for benchmarks).
 */
@RestController
class WorkerController {

	private static final long WORK_NANOS = 1_000_000;

	private final Environment environment;

	private volatile Identity identity;

	WorkerController(Environment environment) {
		this.environment = environment;
		this.identity = identity(environment);
	}

	/**
	 * Read the worker id again once the application is ready: a hot spare learns it when
	 * it is promoted, after this bean is created.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		this.identity = identity(this.environment);
	}

	private static Identity identity(Environment environment) {
		return new Identity(environment.getProperty("cluster.worker.id", Integer.class, 0),
				ProcessHandle.current().pid());
	}

	@GetMapping("/")
	Identity hello() {
		return this.identity;
	}

	@GetMapping("/work")
	Identity work() {
		long deadline = System.nanoTime() + WORK_NANOS;
		long spin = 0;
		while (System.nanoTime() < deadline) {
			spin += Long.numberOfTrailingZeros(spin + 1);
		}
		return (spin >= 0) ? this.identity : new Identity(this.identity.worker(), -1);
	}

	/**
	 * The answer: which worker, in which process.
	 */
	record Identity(int worker, long pid) {
	}

}
