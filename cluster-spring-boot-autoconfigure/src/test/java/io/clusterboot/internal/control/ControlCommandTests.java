package io.clusterboot.internal.control;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ControlCommand}.
 */
class ControlCommandTests {

	@Test
	void parsesEveryVerb() throws ControlException {
		assertThat(ControlCommand.parse("status")).isEqualTo(new ControlCommand(ControlCommand.Verb.STATUS, 0));
		assertThat(ControlCommand.parse("reload")).isEqualTo(new ControlCommand(ControlCommand.Verb.RELOAD, 0));
		assertThat(ControlCommand.parse("stop")).isEqualTo(new ControlCommand(ControlCommand.Verb.STOP, 0));
		assertThat(ControlCommand.parse("scale:3")).isEqualTo(new ControlCommand(ControlCommand.Verb.SCALE, 3));
	}

	@Test
	void ignoresCaseAndSurroundingSpaces() throws ControlException {
		assertThat(ControlCommand.parse(" Reload ")).isEqualTo(new ControlCommand(ControlCommand.Verb.RELOAD, 0));
		assertThat(ControlCommand.parse("SCALE: 12")).isEqualTo(new ControlCommand(ControlCommand.Verb.SCALE, 12));
	}

	@Test
	void namesItselfAsTheCommandLineDoes() throws ControlException {
		assertThat(ControlCommand.parse("scale:4")).hasToString("scale:4");
		assertThat(ControlCommand.parse("RELOAD")).hasToString("reload");
	}

	@ParameterizedTest
	@ValueSource(strings = { "restart", "", "  ", "status please", "scale" })
	void anUnknownVerbIsAUsageErrorThatListsTheVerbs(String value) {
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> ControlCommand.parse(value))
			.withMessage("cluster.control=" + value.trim() + " is not a command; use status, reload, scale:N (N "
					+ "workers) or stop")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.USAGE));
	}

	@Test
	void noValueIsAUsageError() {
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> ControlCommand.parse(null))
			.withMessageContaining("is not a command; use status, reload, scale:N")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.USAGE));
	}

	@ParameterizedTest
	@ValueSource(strings = { "scale:x", "scale:", "scale:0", "scale:-2", "scale:1.5", "scale:99999999999" })
	void scaleWithoutAPositiveCountIsAUsageError(String value) {
		assertThatExceptionOfType(ControlException.class).isThrownBy(() -> ControlCommand.parse(value))
			.withMessage("cluster.control=" + value + ": the number of workers must be a positive whole number, as in "
					+ "scale:4")
			.satisfies((ex) -> assertThat(ex.exitCode()).isEqualTo(ClusterControl.USAGE));
	}

}
