package io.clusterboot.state;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerExit}.
 */
class WorkerExitTests {

	@Test
	void describeKilledBySignal() {
		assertThat(exit(137, "KILL", ExitCause.KILLED).describe()).isEqualTo("killed by SIGKILL");
	}

	@Test
	void describeCrashWithExitCode() {
		assertThat(exit(42, null, ExitCause.CRASHED).describe()).isEqualTo("crashed with exit code 42");
	}

	@Test
	void describeOutOfMemory() {
		assertThat(exit(3, null, ExitCause.OUT_OF_MEMORY).describe()).isEqualTo("out of memory (exit code 3)");
	}

	@Test
	void describeOtherCausesWithTheirDescription() {
		assertThat(exit(143, "TERM", ExitCause.STOPPED).describe()).isEqualTo("stopped (SIGTERM)");
		assertThat(exit(137, "KILL", ExitCause.HUNG).describe()).isEqualTo("hung (SIGKILL)");
		assertThat(exit(1, null, ExitCause.BOOT_FAILED).describe()).isEqualTo("failed to boot (exit code 1)");
		assertThat(exit(0, null, ExitCause.RECYCLED).describe()).isEqualTo("recycled (exit code 0)");
		assertThat(exit(137, "KILL", ExitCause.UNHEALTHY).describe()).isEqualTo("liveness broken (SIGKILL)");
	}

	@Test
	void onlyStoppedAndRecycledArePlanned() {
		for (ExitCause cause : ExitCause.values()) {
			boolean expected = cause == ExitCause.STOPPED || cause == ExitCause.RECYCLED;
			assertThat(exit(0, null, cause).planned()).as(cause.name()).isEqualTo(expected);
		}
	}

	private static WorkerExit exit(int code, String signal, ExitCause cause) {
		return new WorkerExit(code, signal, cause, Instant.now());
	}

}
