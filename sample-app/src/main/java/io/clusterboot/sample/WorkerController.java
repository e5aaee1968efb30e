package io.clusterboot.sample;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Says which worker answered: {@code GET /} at once, {@code GET /work} after about a
 * millisecond of CPU work (for benchmarks).
 */
@RestController
class WorkerController {

	private static final long WORK_NANOS = 1_000_000;

	private final Identity identity;

	WorkerController(@Value("${cluster.worker.id:0}") int workerId) {
		this.identity = new Identity(workerId, ProcessHandle.current().pid());
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
