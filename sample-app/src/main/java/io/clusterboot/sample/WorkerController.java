package io.clusterboot.sample;

import java.util.Map;

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

	private final Map<String, Object> identity;

	WorkerController(@Value("${cluster.worker.id:0}") int workerId) {
		this.identity = Map.of("worker", workerId, "pid", ProcessHandle.current().pid());
	}

	@GetMapping("/")
	Map<String, Object> hello() {
		return this.identity;
	}

	@GetMapping("/work")
	Map<String, Object> work() {
		long deadline = System.nanoTime() + WORK_NANOS;
		long spin = 0;
		while (System.nanoTime() < deadline) {
			spin += Long.numberOfTrailingZeros(spin + 1);
		}
		return (spin >= 0) ? this.identity : Map.of();
	}

}
