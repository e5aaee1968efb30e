package io.clusterboot.server.longlived;

import jakarta.servlet.AsyncContext;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServletEventStreamFilter}.
 */
class ServletEventStreamFilterTests {

	private final ServletEventStreamFilter filter = new ServletEventStreamFilter();

	@Test
	void completesTheOpenEventStreamsWhenTheDrainStarts() throws Exception {
		MockAsyncContext stream = start("text/event-stream");
		MockAsyncContext other = start("application/json");
		assertThat(this.filter.goAway()).isOne();
		assertThat(completed(stream)).isTrue();
		assertThat(completed(other)).isFalse();
		assertThat(this.filter.goAway()).isZero();
	}

	@Test
	void forgetsAStreamThatEnded() throws Exception {
		MockAsyncContext stream = start("text/event-stream;charset=UTF-8");
		stream.complete();
		assertThat(this.filter.goAway()).isZero();
	}

	@Test
	void completesAStreamThatStartsDuringTheDrainAtOnce() throws Exception {
		this.filter.goAway();
		MockAsyncContext stream = start("text/event-stream");
		assertThat(completed(stream)).isTrue();
	}

	private MockAsyncContext start(String contentType) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/events");
		request.setAsyncSupported(true);
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, (req, res) -> {
			res.setContentType(contentType);
			req.startAsync();
		});
		return (MockAsyncContext) request.getAsyncContext();
	}

	private static boolean completed(AsyncContext context) {
		return !((MockHttpServletRequest) context.getRequest()).isAsyncStarted();
	}

}
