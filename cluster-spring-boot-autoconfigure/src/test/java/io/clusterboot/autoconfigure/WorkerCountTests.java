package io.clusterboot.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WorkerCount}.
 */
class WorkerCountTests {

	@Test
	void autoFollowsAvailableProcessors() {
		WorkerCount count = WorkerCount.valueOf("auto");
		assertThat(count.isAuto()).isTrue();
		assertThat(count.isClustered()).isTrue();
		assertThat(count.resolve()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(count).hasToString("auto");
	}

	@Test
	void autoIsCaseInsensitiveAndTrimmed() {
		assertThat(WorkerCount.valueOf(" AUTO ").isAuto()).isTrue();
	}

	@Test
	void zeroTurnsClusterModeOff() {
		WorkerCount count = WorkerCount.valueOf("0");
		assertThat(count.isClustered()).isFalse();
		assertThat(count.isAuto()).isFalse();
		assertThat(count.resolve()).isZero();
	}

	@Test
	void emptyValueTurnsClusterModeOff() {
		assertThat(WorkerCount.valueOf("  ").isClustered()).isFalse();
	}

	@Test
	void positiveNumberIsThatManyWorkers() {
		WorkerCount count = WorkerCount.valueOf("3");
		assertThat(count.isClustered()).isTrue();
		assertThat(count.isAuto()).isFalse();
		assertThat(count.resolve()).isEqualTo(3);
		assertThat(count).isEqualTo(WorkerCount.of(3)).hasSameHashCodeAs(WorkerCount.of(3)).hasToString("3");
	}

	@Test
	void wordIsRejectedWithTheAcceptedValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerCount.valueOf("lots"))
			.withMessage("'lots' is not a number of workers; accepted values are 'auto', 0 (cluster mode off) "
					+ "or a positive number");
	}

	@Test
	void negativeNumberIsRejectedWithTheAcceptedValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerCount.valueOf("-3"))
			.withMessageStartingWith("'-3' is negative; ")
			.withMessageContaining("accepted values are 'auto', 0 (cluster mode off) or a positive number");
	}

	@Test
	void numberTooLargeForAnIntIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerCount.valueOf("99999999999"))
			.withMessageContaining("is not a number of workers");
	}

	@Test
	void ofRejectsLessThanOneWorker() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerCount.of(0))
			.withMessage("A cluster needs at least one worker, not 0");
	}

	@Test
	void autoIsNotEqualToAnyNumber() {
		assertThat(WorkerCount.valueOf("auto")).isNotEqualTo(WorkerCount.valueOf("0"))
			.isNotEqualTo(WorkerCount.of(Runtime.getRuntime().availableProcessors()));
	}

}
