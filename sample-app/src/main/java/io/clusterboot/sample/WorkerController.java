package io.clusterboot.sample;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.clusterboot.worker.MasterLink;

/**
 * Says which worker answered: {@code GET /} at once, {@code GET /work} after about a
 * millisecond of CPU work (for benchmarks).
 */
@RestController
class WorkerController {

	private static final long WORK_NANOS = 1_000_000;

	private final @Nullable MasterLink link;

	private final long pid = ProcessHandle.current().pid();

	WorkerController(ObjectProvider<MasterLink> link) {
		this.link = link.getIfAvailable();
	}

	/**
	 * Which worker this is, asked of the {@link MasterLink} at every answer: a hot spare
	 * learns its slot's id when it is promoted, after this bean is created. A single
	 * process has no link and answers worker 0.
	 */
	private Identity identity() {
		return new Identity((this.link != null) ? this.link.getWorkerId() : 0, this.pid);
	}

	@GetMapping("/")
	Identity hello() {
		return identity();
	}

	@GetMapping("/work")
	Identity work() {
		long deadline = System.nanoTime() + WORK_NANOS;
		long spin = 0;
		while (System.nanoTime() < deadline) {
			spin += Long.numberOfTrailingZeros(spin + 1);
		}
		Identity identity = identity();
		return (spin >= 0) ? identity : new Identity(identity.worker(), -1);
	}

	/**
	 * The answer: which worker, in which process.
	 */
	record Identity(int worker, long pid) {
	}

}
