package io.clusterboot.server.tomcat;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockServletContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TomcatWebSocketSessions}.
 */
class TomcatWebSocketSessionsTests {

	@Test
	void tellsNothingBeforeItKnowsTheServletContext() {
		assertThat(new TomcatWebSocketSessions().goAway()).isZero();
	}

	@Test
	void tellsNothingWithoutTomcatsWebSocketContainer() {
		TomcatWebSocketSessions sessions = new TomcatWebSocketSessions();
		sessions.setServletContext(new MockServletContext());
		assertThat(sessions.goAway()).isZero();
	}

	@Test
	void describesWhatItTellsForTheLog() {
		assertThat(new TomcatWebSocketSessions().getDescription())
			.isEqualTo("WebSocket session(s) closed with 1001 (going away)");
	}

}
