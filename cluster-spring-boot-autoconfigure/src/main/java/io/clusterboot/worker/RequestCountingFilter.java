package io.clusterboot.worker;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.springframework.core.Ordered;

/**
 * Counts the requests a worker has served, for its heartbeats.
 *
 * @since 0.1.0
 */
public class RequestCountingFilter implements Filter, Ordered {

	private final LongAdder requests;

	/**
	 * Create a filter.
	 * @param requests the counter to increment
	 */
	public RequestCountingFilter(LongAdder requests) {
		this.requests = requests;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		// Counted as it arrives: a filter sees an asynchronous request only once
		this.requests.increment();
		chain.doFilter(request, response);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
