package io.clusterboot.internal.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MasterPidFile}.
 */
class MasterPidFileTests {

	@TempDir
	Path temp;

	@Test
	void noPidFilePropertyIsAUsageErrorThatNamesIt() {
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.of(null))
			.withMessageStartingWith("cluster.control finds the master through its pid file: add "
					+ "--cluster.pid-file=<file>")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.USAGE));
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.of(" "))
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.USAGE));
	}

	@Test
	void pidFileIsMadeAbsolute() throws ControlException {
		assertThat(MasterPidFile.of("master.pid")).isAbsolute().hasFileName("master.pid");
	}

	@Test
	void readsThePid() throws Exception {
		Path file = Files.writeString(this.temp.resolve("master.pid"), "4242\n");
		assertThat(MasterPidFile.read(file)).isEqualTo(4242);
	}

	@Test
	void missingFileSaysWhichAndWhatToCheck() {
		Path file = this.temp.resolve("master.pid");
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.read(file))
			.withMessage("There is no pid file " + file + ": no cluster master is running with --cluster.pid-file="
					+ file + " (it deletes the file when it stops). Check the path, and that the master was started "
					+ "with it")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.FAILED));
	}

	@Test
	void directoryCannotBeRead() {
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.read(this.temp))
			.withMessageStartingWith("Cannot read the pid file " + this.temp)
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.FAILED));
	}

	@Test
	void fileWithoutAPidSaysSo() throws IOException {
		Path file = Files.writeString(this.temp.resolve("master.pid"), "not a pid\n");
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.read(file))
			.withMessage("The pid file " + file + " does not hold a process id ('not a pid'): it is not a cluster "
					+ "master's pid file; check --cluster.pid-file")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.FAILED));
		Files.writeString(file, "-1");
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> MasterPidFile.read(file))
			.withMessageContaining("does not hold a process id ('-1')");
	}

}
