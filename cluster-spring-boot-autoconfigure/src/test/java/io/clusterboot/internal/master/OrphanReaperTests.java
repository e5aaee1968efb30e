package io.clusterboot.internal.master;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link OrphanReaper}.
 */
@ExtendWith(OutputCaptureExtension.class)
class OrphanReaperTests {

	private final FakeProcesses processes = new FakeProcesses();

	private final List<Long> waited = new CopyOnWriteArrayList<>();

	private final OrphanReaper reaper = new OrphanReaper(this.processes, this::reap);

	@Test
	void aZombieInTwoScansInARowIsReaped() {
		this.processes.child(42, "42 (sleep) Z 1 42 42 0 -1");
		assertThat(this.reaper.scan()).isEmpty();
		assertThat(this.reaper.scan()).containsExactly(42L);
		assertThat(this.waited).containsExactly(42L);
	}

	@Test
	void aZombieSeenOnceIsNotReapedYet() {
		this.processes.child(42, "42 (sleep) S 1 42 42 0 -1");
		assertThat(this.reaper.scan()).isEmpty();
		this.processes.child(42, "42 (sleep) Z 1 42 42 0 -1");
		assertThat(this.reaper.scan()).isEmpty();
		assertThat(this.waited).isEmpty();
	}

	@Test
	void aZombieJavaReapsBetweenTwoScansIsNotWaitedFor() {
		this.processes.child(7, "7 (java) Z 1 7 7 0 -1");
		this.reaper.scan();
		this.processes.gone(7);
		assertThat(this.reaper.scan()).isEmpty();
		assertThat(this.waited).isEmpty();
	}

	@Test
	void aChildThatIsNotAZombieIsNeverReaped() {
		this.processes.child(7, "7 (java) S 1 7 7 0 -1");
		this.processes.child(8, "8 (java) R 1 7 7 0 -1");
		for (int i = 0; i < 5; i++) {
			assertThat(this.reaper.scan()).isEmpty();
		}
		assertThat(this.waited).isEmpty();
	}

	@Test
	void aChildWhoseStatCannotBeReadIsNeverReaped() {
		this.processes.child(42, null);
		this.reaper.scan();
		assertThat(this.reaper.scan()).isEmpty();
		assertThat(this.waited).isEmpty();
	}

	@Test
	void childrenThatCannotBeListedBreakTheSequenceOfScans() {
		this.processes.child(42, "42 (sleep) Z 1 42 42 0 -1");
		this.reaper.scan();
		this.processes.unreadable = true;
		assertThat(this.reaper.scan()).isEmpty();
		this.processes.unreadable = false;
		assertThat(this.reaper.scan()).isEmpty();
		assertThat(this.reaper.scan()).containsExactly(42L);
	}

	@Test
	void theStateIsReadAfterANameWithSpacesAndParentheses() {
		this.processes.child(42, "42 (a (b) Z c) Z 1 42 42 0 -1");
		this.processes.child(43, "43 (a) Z (b) S 1 43 43 0 -1");
		this.reaper.scan();
		assertThat(this.reaper.scan()).containsExactly(42L);
	}

	@Test
	void aMasterThatIsNotPidOneLooksForNothing() {
		AtomicBoolean loaded = new AtomicBoolean();
		try (OrphanReaper reaper = OrphanReaper.startIfPidOne(4242, "Linux", () -> {
			loaded.set(true);
			return this::reap;
		}, this.processes, Duration.ofMillis(10))) {
			assertThat(loaded).isFalse();
		}
	}

	@Test
	void aMasterThatIsPidOneReapsOrphansUntilClosed(CapturedOutput output) {
		this.processes.child(42, "42 (sleep) Z 1 42 42 0 -1");
		try (OrphanReaper reaper = OrphanReaper.startIfPidOne(1, "Linux", () -> this::reap, this.processes,
				Duration.ofMillis(10))) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.waited).contains(42L));
		}
		assertThat(output).contains("The master is PID 1 of its container: every 10ms it reaps the orphaned processes")
			.doesNotContain("--enable-native-access");
	}

	@Test
	void aMasterThatIsPidOneAndCannotReapSaysWhatToDo(CapturedOutput output) {
		try (OrphanReaper reaper = OrphanReaper.startIfPidOne(1, "Linux", () -> {
			throw new UnsupportedOperationException("Java 17 can wait only for the processes it started");
		}, this.processes, Duration.ofMillis(10))) {
			assertThat(output).contains("WARN")
				.contains("The master is PID 1 of its container and cannot reap orphaned processes (Java 17 can "
						+ "wait only for the processes it started)")
				.contains("docker run --init");
		}
	}

	@Test
	void onJava17TheWarningNamesAnInitAndJava22() {
		assertThat(OrphanReaper.cannotReap("Java 17 can wait only for the processes it started", 17))
			.contains("will stay a zombie until the container stops")
			.contains("docker run --init, tini as the image's entrypoint, shareProcessNamespace: true in a "
					+ "Kubernetes pod")
			.endsWith(", or run the application on Java 22 or later, whose master reaps them itself");
	}

	@Test
	void onJava22AndLaterTheWarningNamesAnInitOnly() {
		assertThat(OrphanReaper.cannotReap("native access is denied", 25)).contains("(native access is denied)")
			.endsWith("shareProcessNamespace: true in a Kubernetes pod)");
	}

	@Test
	void whenTheJvmWarnsAboutNativeAccessTheMasterSaysHowToSilenceIt() {
		assertThat(OrphanReaper.reaping(Duration.ofSeconds(2), true)).startsWith("The master is PID 1 of its "
				+ "container: every 2s it reaps the orphaned processes the kernel hands to it")
			.endsWith("add --enable-native-access=ALL-UNNAMED to the java command to silence it");
	}

	@Test
	void beforeJava22WaitpidIsUnavailableAndSaysWhy() {
		int java = Runtime.version().feature();
		assumeTrue(java < NativeWaitpid.FIRST_JAVA, "Java " + java + " has the foreign function API");
		assertThat(NativeWaitpid.isNativeAccessEnabled()).isFalse();
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(NativeWaitpid::load)
			.withMessage("Java " + java + " can wait only for the processes it started");
	}

	@Test
	void fromJava22WaitpidLoadsAndDoesNotWaitForAProcessThatIsNotAChild() {
		int java = Runtime.version().feature();
		assumeTrue(java >= NativeWaitpid.FIRST_JAVA, "Java " + java + " has no foreign function API");
		assertThat(NativeWaitpid.load().reap(ProcessHandle.current().pid())).isFalse();
	}

	private boolean reap(long pid) {
		this.waited.add(pid);
		this.processes.gone(pid);
		return true;
	}

	/**
	 * A process table held in memory.
	 */
	static final class FakeProcesses implements OrphanReaper.ProcessTable {

		private final Map<Long, @Nullable String> stats = new HashMap<>();

		volatile boolean unreadable;

		synchronized void child(long pid, @Nullable String stat) {
			this.stats.put(pid, stat);
		}

		synchronized void gone(long pid) {
			this.stats.remove(pid);
		}

		@Override
		public synchronized List<Long> children() {
			if (this.unreadable) {
				throw new IllegalStateException("/proc is not readable");
			}
			return new ArrayList<>(this.stats.keySet());
		}

		@Override
		public synchronized @Nullable String stat(long pid) {
			return this.stats.get(pid);
		}

	}

}
