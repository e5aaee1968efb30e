package io.clusterboot.bench;

/**
 * What {@code GET /} and {@code GET /work} answer, and the work behind {@code /work}: the
 * same as the sample application's, so that the web servers are measured on the same
 * requests.
 */
final class Work {

	private static final long WORK_NANOS = 1_000_000;

	private Work() {
	}

	/**
	 * Keep the calling thread's CPU busy for about a millisecond.
	 * @param identity what to answer
	 * @return the identity, in a way the JIT cannot see through
	 */
	static Identity burn(Identity identity) {
		long deadline = System.nanoTime() + WORK_NANOS;
		long spin = 0;
		while (System.nanoTime() < deadline) {
			spin += Long.numberOfTrailingZeros(spin + 1);
		}
		return (spin >= 0) ? identity : new Identity(identity.worker(), -1);
	}

	/**
	 * The answer: which worker, in which process.
	 *
	 * @param worker the worker's id, 0 in a single process
	 * @param pid the process id
	 */
	record Identity(int worker, long pid) {
	}

}
