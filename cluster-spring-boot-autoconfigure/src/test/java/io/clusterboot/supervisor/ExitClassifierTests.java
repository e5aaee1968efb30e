package io.clusterboot.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.clusterboot.state.ExitCause;
import io.clusterboot.state.WorkerExit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ExitClassifier}.
 */
class ExitClassifierTests {

	private static final Instant AT = Instant.parse("2025-01-01T12:00:00Z");

	private final ExitClassifier linux = new ExitClassifier(true, "Linux");

	@Test
	void linuxSignalsAreNamedFromTheirExitValues() {
		assertThat(IntStream.rangeClosed(1, 31).mapToObj((signal) -> this.linux.signalOf(128 + signal)))
			.containsExactly("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
					"PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
					"XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
	}

	@Test
	void macOsAndBsdSignalsAreNamedFromTheirOwnTable() {
		for (String os : new String[] { "Mac OS X", "FreeBSD", "Darwin" }) {
			ExitClassifier bsd = new ExitClassifier(true, os);
			assertThat(IntStream.rangeClosed(1, 31).mapToObj((signal) -> bsd.signalOf(128 + signal))).as(os)
				.containsExactly("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "EMT", "FPE", "KILL", "BUS", "SEGV",
						"SYS", "PIPE", "ALRM", "TERM", "URG", "STOP", "TSTP", "CONT", "CHLD", "TTIN", "TTOU", "IO",
						"XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "INFO", "USR1", "USR2");
		}
	}

	@Test
	void signalsWithoutANameAreNumbered() {
		assertThat(this.linux.signalOf(128 + 34)).isEqualTo("34");
		assertThat(this.linux.signalOf(128 + 64)).isEqualTo("64");
	}

	@Test
	void exitValuesOutsideTheSignalRangeAreNotSignals() {
		assertThat(this.linux.signalOf(0)).isNull();
		assertThat(this.linux.signalOf(1)).isNull();
		assertThat(this.linux.signalOf(127)).isNull();
		assertThat(this.linux.signalOf(128)).isNull();
		assertThat(this.linux.signalOf(128 + 65)).isNull();
		assertThat(this.linux.signalOf(255)).isNull();
		assertThat(this.linux.signalOf(-1)).isNull();
	}

	@Test
	void exitCodeZeroOfAReadyWorkerIsACrash() {
		WorkerExit exit = this.linux.classify(ready(), 0, AT);
		assertThat(exit).isEqualTo(new WorkerExit(0, null, ExitCause.CRASHED, AT));
		assertThat(exit.planned()).isFalse();
	}

	@Test
	void exitCodeOneOfAReadyWorkerIsACrash() {
		assertThat(this.linux.classify(ready(), 1, AT)).isEqualTo(new WorkerExit(1, null, ExitCause.CRASHED, AT));
	}

	@Test
	void anExitCodeBeforeTheWorkerWasReadyIsAFailedBoot() {
		assertThat(this.linux.classify(booting(), 1, AT).cause()).isEqualTo(ExitCause.BOOT_FAILED);
	}

	@Test
	void exitCodeThreeIsOutOfMemoryWhenWorkersExitOnOutOfMemoryError() {
		assertThat(this.linux.classify(ready(), 3, AT).cause()).isEqualTo(ExitCause.OUT_OF_MEMORY);
		assertThat(this.linux.classify(booting(), 3, AT).cause()).isEqualTo(ExitCause.OUT_OF_MEMORY);
	}

	@Test
	void exitCodeThreeIsACrashOtherwise() {
		ExitClassifier classifier = new ExitClassifier(false, "Linux");
		assertThat(classifier.classify(ready(), 3, AT).cause()).isEqualTo(ExitCause.CRASHED);
	}

	@Test
	void sigkillWithoutAnExitingFrameIsKilled() {
		assertThat(this.linux.classify(ready(), 137, AT)).isEqualTo(new WorkerExit(137, "KILL", ExitCause.KILLED, AT));
		assertThat(this.linux.classify(booting(), 137, AT).cause()).isEqualTo(ExitCause.KILLED);
	}

	@Test
	void exitValue137AfterAnExitingFrameIsAnExitCode() {
		SupervisedWorker worker = ready();
		worker.exiting = true;
		assertThat(this.linux.classify(worker, 137, AT)).isEqualTo(new WorkerExit(137, null, ExitCause.CRASHED, AT));
	}

	@Test
	void sigkillFromTheMasterAfterAnExitingFrameIsStillASignal() {
		SupervisedWorker worker = ready();
		worker.exiting = true;
		worker.killed = true;
		assertThat(this.linux.classify(worker, 137, AT)).isEqualTo(new WorkerExit(137, "KILL", ExitCause.KILLED, AT));
	}

	@Test
	void sigtermAfterAnExitingFrameIsStillASignal() {
		SupervisedWorker worker = ready();
		worker.exiting = true;
		assertThat(this.linux.classify(worker, 143, AT)).isEqualTo(new WorkerExit(143, "TERM", ExitCause.KILLED, AT));
	}

	@Test
	void anExitTheMasterAskedForHasTheCauseItGave() {
		SupervisedWorker worker = ready();
		worker.stopCause = ExitCause.RECYCLED;
		worker.killCause = ExitCause.HUNG;
		assertThat(this.linux.classify(worker, 137, AT)).isEqualTo(new WorkerExit(137, "KILL", ExitCause.RECYCLED, AT));
	}

	@Test
	void aWorkerTheMasterKilledHasTheCauseOfItsKilling() {
		SupervisedWorker worker = ready();
		worker.killCause = ExitCause.HUNG;
		assertThat(this.linux.classify(worker, 137, AT)).isEqualTo(new WorkerExit(137, "KILL", ExitCause.HUNG, AT));
	}

	@Test
	void onlyUnplannedExitsBeforeReadyThatNoSignalCausedAreFailedBoots() {
		assertThat(ExitClassifier.failedToBoot(booting(), exit(1, ExitCause.BOOT_FAILED))).isTrue();
		assertThat(ExitClassifier.failedToBoot(booting(), exit(3, ExitCause.OUT_OF_MEMORY))).isTrue();
		assertThat(ExitClassifier.failedToBoot(booting(), exit(137, ExitCause.KILLED))).isFalse();
		assertThat(ExitClassifier.failedToBoot(booting(), exit(143, ExitCause.STOPPED))).isFalse();
		assertThat(ExitClassifier.failedToBoot(ready(), exit(1, ExitCause.CRASHED))).isFalse();
	}

	@Test
	void describeTellsACrashAndTheRestart() {
		assertThat(this.linux.describe(ready(), exit(1, ExitCause.CRASHED), Duration.ofMillis(100), 0, 3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: crashed with exit code 1, restarting in 100ms");
	}

	@Test
	void describeSuggestsTheOutOfMemoryKillerForSigkill() {
		assertThat(this.linux.describe(ready(), new WorkerExit(137, "KILL", ExitCause.KILLED, AT),
				Duration.ofSeconds(15), 0, 3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: killed by SIGKILL (perhaps out of memory: the kernel's OOM "
					+ "killer sends SIGKILL), restarting in 15s");
	}

	@Test
	void describePointsAtTheCrashLogForSigabrt() {
		assertThat(this.linux.describe(ready(), new WorkerExit(134, "ABRT", ExitCause.KILLED, AT), null, 0, 3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: killed by SIGABRT (a JVM crash writes hs_err_pid4242.log)");
	}

	@Test
	void describeCountsBootFailuresAgainstTheLimitAtTheFirstStart() {
		assertThat(this.linux.describe(booting(), exit(1, ExitCause.BOOT_FAILED), Duration.ofMillis(200), 2, 3, false))
			.isEqualTo("Worker 1 (pid 4242) exited: failed to boot (exit code 1), restarting in 200ms "
					+ "(boot failure 2 of 3)");
	}

	@Test
	void describeTellsWhatTheApplicationFailedWith() {
		SupervisedWorker worker = booting();
		worker.startFailure = "IllegalStateException: no database";
		assertThat(this.linux.describe(worker, exit(1, ExitCause.BOOT_FAILED), Duration.ofMillis(200), 1, 3, false))
			.endsWith("(boot failure 1 of 3). Its application failed with IllegalStateException: no database");
	}

	@Test
	void describeCountsBootFailuresWithoutALimitOnceTheClusterHasServed() {
		assertThat(this.linux.describe(booting(), exit(1, ExitCause.BOOT_FAILED), Duration.ofMillis(200), 2, 3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: failed to boot (exit code 1), restarting in 200ms "
					+ "(boot failure 2)");
	}

	@Test
	void describeSaysTheOtherWorkersKeepServingOnceASlotReachedTheLimitAfterServing() {
		assertThat(this.linux.describe(booting(), exit(1, ExitCause.BOOT_FAILED), Duration.ofMillis(1500), 3, 3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: failed to boot (exit code 1), restarting in 1500ms "
					+ "(boot failure 3; the other workers keep serving, and this slot keeps trying with a growing "
					+ "delay until the cause is fixed)");
	}

	@Test
	void describeOfAPlannedExitSaysNothingOfARestart() {
		assertThat(this.linux.describe(ready(), new WorkerExit(143, "TERM", ExitCause.STOPPED, AT), Duration.ZERO, 0,
				3, true))
			.isEqualTo("Worker 1 (pid 4242) exited: stopped (SIGTERM)");
	}

	@Test
	void describeOfAnExitThatIsNotRestartedSaysNothingOfARestart() {
		assertThat(this.linux.describe(booting(), exit(1, ExitCause.BOOT_FAILED), null, 3, 3, false))
			.isEqualTo("Worker 1 (pid 4242) exited: failed to boot (exit code 1)");
	}

	private static SupervisedWorker booting() {
		SupervisedWorker worker = new SupervisedWorker(1, "secret", AT, 1_000);
		worker.pid = 4242;
		return worker;
	}

	private static SupervisedWorker ready() {
		SupervisedWorker worker = booting();
		worker.listeningNanos = 2_000;
		return worker;
	}

	private static WorkerExit exit(int code, ExitCause cause) {
		return new WorkerExit(code, null, cause, AT);
	}

}
