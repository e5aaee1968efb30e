package io.clusterboot.supervisor;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RestartBackoff}.
 */
class RestartBackoffTests {

	private final RestartBackoff backoff = new RestartBackoff(Duration.ofMillis(100), 1.5, Duration.ofSeconds(1));

	@Test
	void firstRestartWaitsTheInitialDelay() {
		assertThat(this.backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void eachFurtherRestartMultipliesThePreviousDelay() {
		assertThat(this.backoff.delay(2)).isEqualTo(Duration.ofMillis(150));
		assertThat(this.backoff.delay(3)).isEqualTo(Duration.ofMillis(225));
		assertThat(this.backoff.delay(4)).isEqualTo(Duration.ofMillis(338));
	}

	@Test
	void delayNeverExceedsTheMaximum() {
		assertThat(this.backoff.delay(6)).isEqualTo(Duration.ofMillis(759));
		assertThat(this.backoff.delay(7)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.backoff.delay(100)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void multiplierOfOneKeepsTheDelayConstant() {
		RestartBackoff constant = new RestartBackoff(Duration.ofMillis(250), 1.0, Duration.ofSeconds(1));
		assertThat(constant.delay(1)).isEqualTo(Duration.ofMillis(250));
		assertThat(constant.delay(50)).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void initialDelayAboveTheMaximumIsCapped() {
		RestartBackoff capped = new RestartBackoff(Duration.ofSeconds(5), 2, Duration.ofSeconds(1));
		assertThat(capped.delay(1)).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void attemptBelowOneHasNoDelay() {
		assertThat(this.backoff.delay(0)).isZero();
		assertThat(this.backoff.delay(-1)).isZero();
	}

	@Test
	void multiplierBelowOneIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RestartBackoff(Duration.ofMillis(100), 0.5, Duration.ofSeconds(1)))
			.withMessage("cluster.restart.multiplier must be at least 1, not 0.5");
	}

	@Test
	void multiplierThatIsNotANumberIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RestartBackoff(Duration.ofMillis(100), Double.NaN, Duration.ofSeconds(1)));
	}

	@Test
	void negativeDelaysAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RestartBackoff(Duration.ofMillis(-1), 2, Duration.ofSeconds(1)))
			.withMessage("Restart delays must not be negative");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RestartBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(-1)));
	}

}
